/* A Kafka proxy that answers Fetch requests as soon as data is there; see fetch-proxy.c. */
#pragma once
#include <signal.h>

/* Listens on host:0; returns the socket and sets *port, or -1. */
int fetch_proxy_listen(const char *host, int *port);

/* Serves clients, each over its own connection to the mock at mock_host:mock_port, until *running is 0. */
void fetch_proxy_run(int listener, const char *mock_host, int mock_port, volatile sig_atomic_t *running);
