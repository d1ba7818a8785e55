/*
 * Development Kafka broker: librdkafka's mock cluster, speaking the Kafka
 * protocol on loopback. Used by `npm start` and the end-to-end tests because no
 * Apache Kafka can run on a development machine here; docker-compose.yml runs
 * the real one.
 *
 * usage: kafka-dev-broker [--partitions N] [--address-file PATH] [--no-fetch-proxy] [TOPIC[:PARTITIONS] ...]
 *   Pre-creates each TOPIC (the mock has no CreateTopics admin call) with its
 *   own partition count or N (default 3), prints "bootstrap=<host:port>" on
 *   stdout, writes the address to --address-file if given, and runs until
 *   SIGINT/SIGTERM.
 *
 * The mock answers a Fetch that finds no data only after the request's full
 * MaxWait, even when data arrives meanwhile. Clients therefore talk to a
 * proxy (fetch-proxy.c) that answers a Fetch as soon as there is data, as
 * Apache Kafka does, so the same KAFKA_MAX_WAIT_MS suits both (ADR 0009).
 * --no-fetch-proxy hands out the mock's own address instead.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include "fetch-proxy.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t running = 1;
static void stop(int sig) { (void)sig; running = 0; }

int main(int argc, char **argv) {
  int partitions = 3;
  const char *address_file = NULL;
  int use_proxy = 1;
  char errstr[512];

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* Silence the handle's own attempts to reach a bootstrap: it exists only to own the cluster. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) { fprintf(stderr, "kafka-dev-broker: %s\n", errstr); return 1; }

  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, 1);
  if (!cluster) { fprintf(stderr, "kafka-dev-broker: could not create mock cluster\n"); return 1; }

  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--partitions") && i + 1 < argc) { partitions = atoi(argv[++i]); continue; }
    if (!strcmp(argv[i], "--address-file") && i + 1 < argc) { address_file = argv[++i]; continue; }
    if (!strcmp(argv[i], "--no-fetch-proxy")) { use_proxy = 0; continue; }
    char *topic = argv[i];
    int count = partitions;
    char *colon = strrchr(topic, ':');
    if (colon) { *colon = '\0'; count = atoi(colon + 1); }
    if (count < 1) { fprintf(stderr, "kafka-dev-broker: topic %s: bad partition count\n", topic); return 1; }
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, topic, count, 1);
    if (err) { fprintf(stderr, "kafka-dev-broker: topic %s: %s\n", topic, rd_kafka_err2str(err)); return 1; }
  }

  /* The mock's address: "host:port" (one broker). */
  char mock_host[256];
  int mock_port = 0;
  const char *mock = rd_kafka_mock_cluster_bootstraps(cluster);
  const char *colon = strrchr(mock, ':');
  if (!colon || (size_t)(colon - mock) >= sizeof mock_host || strchr(mock, ',')) { fprintf(stderr, "kafka-dev-broker: unexpected mock address %s\n", mock); return 1; }
  memcpy(mock_host, mock, (size_t)(colon - mock));
  mock_host[colon - mock] = '\0';
  mock_port = atoi(colon + 1);

  char bootstrap[300];
  int listener = -1;
  if (use_proxy) {
    int port = 0;
    listener = fetch_proxy_listen(mock_host, &port);
    if (listener < 0) return 1;
    snprintf(bootstrap, sizeof bootstrap, "%s:%d", mock_host, port);
  } else {
    snprintf(bootstrap, sizeof bootstrap, "%s", mock);
  }
  if (address_file) {
    FILE *f = fopen(address_file, "w");
    if (!f) { perror(address_file); return 1; }
    fprintf(f, "%s\n", bootstrap);
    fclose(f);
  }
  printf("bootstrap=%s\n", bootstrap);
  fflush(stdout);

  struct sigaction sa = {0};
  sa.sa_handler = stop; /* no SA_RESTART: poll() returns on a signal */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  if (use_proxy) fetch_proxy_run(listener, mock_host, mock_port, &running);
  else while (running) pause();

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
