# MSS in a container: `docker build -t mss .` then
#   docker run -v mss-data:/data -p 2525:2525 -p 5587:5587 -p 4465:4465 -p 1143:1143 \
#     -p 1993:1993 -p 8080:8080 -e MSS_LISTEN__HOST=0.0.0.0 mss
# The first run initialises /data (configuration, development certificates, schema).
FROM python:3.11-slim-bookworm
RUN useradd --system --home /data --uid 10001 mss && mkdir /data && chown mss /data
WORKDIR /opt/mss
COPY pyproject.toml README.md ./
COPY mss ./mss
COPY crypto ./crypto
COPY directory ./directory
COPY webmail ./webmail
RUN pip install --no-cache-dir .
USER mss
VOLUME ["/data"]
ENV MSS_DATA=/data
EXPOSE 2525 5587 4465 1143 1993 8080
CMD ["sh", "-c", "mss init && exec mss serve"]
