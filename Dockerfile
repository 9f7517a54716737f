# The node's image for k8s/: build the jar first (mvn -B -q -DskipTests package), then
#   docker build -t chargeplane:0.1.0 .
FROM eclipse-temurin:17-jre
COPY modules/app/target/chargeplane.jar /app/chargeplane.jar
COPY conf /app/conf
# the working directory holds nothing on PostgreSQL; files go to CHARGEPLANE_BLOBS_DIR (a shared volume)
WORKDIR /tmp
EXPOSE 8080 8081 25520 7626
USER 10001
CMD ["java", "-Dconfig.file=/app/conf/kubernetes.conf", "-jar", "/app/chargeplane.jar"]
