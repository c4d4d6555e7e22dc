package dev.fabrik.spring;

import dev.fabrik.client.worker.JobContext;
import dev.fabrik.client.worker.JsonJobHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Calls a {@link FabrikJob} method: {@code args[i]} binds to the i-th parameter that is not a
 * {@link JobContext}. A job whose argument count differs from the method's, or whose argument does
 * not bind, FAILs with a message naming the method; the method is not called.
 */
final class JobMethodHandler implements JsonJobHandler {
  private final Object bean;
  private final Method method;
  private final ObjectMapper mapper;
  private final List<JavaType> argTypes = new ArrayList<>();
  private final int[] argIndexByParameter; // -1: the JobContext

  JobMethodHandler(Object bean, Method method, ObjectMapper mapper) {
    this.bean = Objects.requireNonNull(bean, "bean");
    this.method = Objects.requireNonNull(method, "method");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    Parameter[] parameters = method.getParameters();
    argIndexByParameter = new int[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i].getType() == JobContext.class) {
        argIndexByParameter[i] = -1;
      } else {
        argIndexByParameter[i] = argTypes.size();
        argTypes.add(mapper.constructType(parameters[i].getParameterizedType()));
      }
    }
    method.setAccessible(true);
  }

  @Override
  public void perform(JobContext ctx, JsonNode args) throws Exception {
    int given = args == null ? 0 : args.size();
    if (given != argTypes.size()) {
      throw new IllegalArgumentException(
          String.format(
              "%s takes %d job argument(s), the job has %d", describe(), argTypes.size(), given));
    }
    Object[] values = new Object[argIndexByParameter.length];
    for (int i = 0; i < values.length; i++) {
      int argIndex = argIndexByParameter[i];
      values[i] = argIndex < 0 ? ctx : bind(args.get(argIndex), argIndex);
    }
    try {
      method.invoke(bean, values);
    } catch (InvocationTargetException e) {
      // FAIL with the handler's own error, not the reflection wrapper.
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private Object bind(JsonNode arg, int index) {
    JavaType type = argTypes.get(index);
    try {
      return mapper.treeToValue(arg, type);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          String.format(
              "%s: args[%d] does not bind to %s: %s",
              describe(), index, type.toCanonical(), e.getMessage()),
          e);
    }
  }

  private String describe() {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }
}
