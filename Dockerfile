# Image for the api, worker and migrate services of docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
COPY pyproject.toml README.md ./
COPY graph_service ./graph_service
COPY resolvers ./resolvers
COPY ingest ./ingest
COPY identity ./identity
COPY cypher ./cypher
RUN pip install --no-cache-dir .
ENV GRAPH_CYPHER_DIR=/app/cypher
USER nobody
EXPOSE 8000
CMD ["graph-service", "serve", "--host", "0.0.0.0"]
