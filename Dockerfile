# migration-gatekeeper container image.
#   docker build -t migration-gatekeeper .
#   docker run -p 8080:8080 migration-gatekeeper
# The build runs the same Maven wrapper as the README (tests are CI's job, not the image build's).

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw --batch-mode --no-transfer-progress dependency:go-offline
COPY src src
# The build generates a test client from the contract (generate-test-sources), so the contract is a build input.
COPY openapi.yaml ./
# Extracted as a plain jar next to its lib/ (not the launcher layout): a JVM cache of classes (below) needs the
# application on a class path of plain jars, started with java -jar.
RUN ./mvnw --batch-mode --no-transfer-progress package -DskipTests \
 && cp target/migration-gatekeeper-*.jar gatekeeper.jar \
 && mkdir /layers \
 && java -Djarmode=tools -jar gatekeeper.jar extract --layers --destination /layers

FROM eclipse-temurin:25-jre
# The native libvirt client, from the distribution; without it only XML preflights work. libvirt0 brings the
# qemu+tls, qemu+libssh and qemu+libssh2 transports; qemu+ssh runs the OpenSSH client.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvirt0 openssh-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 gatekeeper \
 && useradd --system --uid 10001 --gid gatekeeper --home-dir /app --shell /usr/sbin/nologin gatekeeper
# qemu+ssh: the key and known_hosts the chart mounts at /etc/gatekeeper/ssh, strict host key checking.
COPY deploy/ssh/ssh_config /etc/ssh/ssh_config.d/gatekeeper.conf
WORKDIR /app
# Least-changing layers first, so a code change rebuilds only the last one.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Container-aware heap; die on OOM so the orchestrator restarts a clean process; JNA needs native access on 25.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
# JDK 25's AOT cache (JEP 483, 514, 515): a training run that stops once the context is refreshed records the
# classes it loaded and linked and the methods it profiled; a start from the cache skips that work (README
# "Performance": start to readiness with and without it). An in-memory ledger, so the image gets no database.
# Spring AOT (-Dspring.aot.enabled=true): the bean definitions the build computed (spring-boot:process-aot, in the
# jar) instead of parsing configuration classes and evaluating their conditions at every start.
RUN java -XX:AOTCacheOutput=gatekeeper.aot -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar gatekeeper.jar \
      --spring.datasource.url=jdbc:h2:mem:training
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"UP\"' <&3"]
# The embedded H2 ledger writes here; in production point spring.datasource.* at PostgreSQL instead.
RUN mkdir /app/data && chown gatekeeper:gatekeeper /app/data
USER 10001:10001
EXPOSE 8080
# The cache is used only with the training run's --enable-native-access (JAVA_TOOL_OPTIONS above; the chart keeps it);
# heap size and collector may differ. Without a usable cache the JVM starts the slow way.
ENTRYPOINT ["java", "-XX:AOTCache=gatekeeper.aot", "-Dspring.aot.enabled=true", "-jar", "gatekeeper.jar"]
