package dev.fabrik.spring;

import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.JobHandler;
import dev.fabrik.client.worker.JsonJobHandler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.BiConsumer;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.ObjectMapper;

/**
 * Fills the worker's {@link HandlerRegistry} from the application's beans once every singleton
 * exists, which is before the worker starts (Spring starts lifecycle beans after this callback):
 * {@link FabrikJob} methods, and {@link JobHandler} / {@link JsonJobHandler} beans annotated with
 * {@link FabrikJob}. Lazy beans are not instantiated for this and so are not seen.
 */
final class FabrikJobRegistrar implements SmartInitializingSingleton {
  private final ConfigurableListableBeanFactory beans;
  private final HandlerRegistry registry;
  private final ObjectMapper mapper;

  FabrikJobRegistrar(
      ConfigurableListableBeanFactory beans, HandlerRegistry registry, ObjectMapper mapper) {
    this.beans = beans;
    this.registry = registry;
    this.mapper = mapper;
  }

  @Override
  public void afterSingletonsInstantiated() {
    registerHandlerBeans(JobHandler.class, (type, h) -> registry.register(type, h));
    registerHandlerBeans(JsonJobHandler.class, (type, h) -> registry.registerJson(type, h));
    for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
      // The class the bean was written as, behind any AOP proxy, is the one with the annotations.
      Class<?> type = AutoProxyUtils.determineTargetClass(beans, name);
      if (type == null || !mayHoldJobMethods(type)) {
        continue;
      }
      rejectAnnotatedNonHandler(name, ClassUtils.getUserClass(type));
      Map<Method, FabrikJob> methods =
          MethodIntrospector.selectMethods(
              ClassUtils.getUserClass(type),
              (MethodIntrospector.MetadataLookup<FabrikJob>) m -> jobMethodAnnotation(m));
      if (methods.isEmpty()) {
        continue;
      }
      Object bean = beans.getBean(name);
      methods.forEach(
          (method, job) -> {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            register(
                name + "." + method.getName(),
                job.value(),
                () ->
                    registry.registerJson(
                        job.value(), new JobMethodHandler(bean, invocable, mapper)));
          });
    }
  }

  private <H> void registerHandlerBeans(Class<H> kind, BiConsumer<String, H> add) {
    for (Map.Entry<String, H> e : beans.getBeansOfType(kind, false, false).entrySet()) {
      FabrikJob job = beans.findAnnotationOnBean(e.getKey(), FabrikJob.class);
      if (job == null) {
        throw new IllegalStateException(
            "bean '"
                + e.getKey()
                + "' is a "
                + kind.getSimpleName()
                + " without @FabrikJob(\"JobType\"): annotate its class or @Bean method with the"
                + " job type it performs");
      }
      register(e.getKey(), job.value(), () -> add.accept(job.value(), e.getValue()));
    }
  }

  /**
   * @FabrikJob on a @Bean method names the handler bean it returns, not a job method.
   */
  private static FabrikJob jobMethodAnnotation(Method m) {
    if (AnnotatedElementUtils.hasAnnotation(m, Bean.class)) {
      return null;
    }
    return AnnotatedElementUtils.findMergedAnnotation(m, FabrikJob.class);
  }

  private static void rejectAnnotatedNonHandler(String name, Class<?> type) {
    if (type.isAnnotationPresent(FabrikJob.class)
        && !JobHandler.class.isAssignableFrom(type)
        && !JsonJobHandler.class.isAssignableFrom(type)) {
      throw new IllegalStateException(
          "bean '"
              + name
              + "' has @FabrikJob on its class but is no JobHandler or JsonJobHandler; put"
              + " @FabrikJob on the method that performs the job instead");
    }
  }

  private static void register(String source, String jobtype, Runnable action) {
    try {
      action.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot register " + source + " for job type " + jobtype + ": " + e.getMessage(), e);
    }
  }

  /** Spring's and the JDK's own beans never carry job methods; skipping them saves reflection. */
  private static boolean mayHoldJobMethods(Class<?> type) {
    String name = type.getName();
    return !name.startsWith("org.springframework.") && !name.startsWith("java.");
  }
}
