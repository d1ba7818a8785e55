import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { OutboundPolicy } from './address-policy';

/**
 * Checks the address a socket actually connected to (IP literals skip DNS
 * lookups, and names can rebind between a check and a connect); a refused
 * address is closed before anything is written.
 */
export function guardSocket<S extends Socket>(socket: S, policy: OutboundPolicy): S {
  socket.once('connect', () => {
    const remote = socket.remoteAddress;
    if (!remote || !policy.isAllowed(remote)) {
      try {
        policy.check(remote ?? '');
      } catch (err) {
        socket.destroy(err as Error);
      }
    }
  });
  return socket;
}

type CreateConnection = (options: { host?: string }, callback: (err: Error | null, socket?: Socket) => void) => Socket | undefined;

/**
 * An IP literal skips the lookup, so it is checked before connecting (the
 * agent's callback form fails the request without opening a socket); every
 * socket is checked again once connected.
 */
function guard<A extends http.Agent>(agent: A, policy: OutboundPolicy): A {
  const create = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    const host = (options.host ?? '').replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && !policy.isAllowed(host)) {
      try {
        policy.check(host);
      } catch (err) {
        process.nextTick(() => callback(err as Error));
      }
      return undefined;
    }
    const socket = create(options, callback);
    return socket && guardSocket(socket, policy);
  };
  return agent;
}

/** HTTP and HTTPS agents whose every connection follows the policy: names resolved and checked, sockets checked on connect. */
export function guardedAgents(policy: OutboundPolicy, options: http.AgentOptions = { keepAlive: true }): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const lookup = policy.lookup as unknown as http.AgentOptions['lookup'];
  return {
    httpAgent: guard(new http.Agent({ ...options, lookup } as http.AgentOptions), policy),
    httpsAgent: guard(new https.Agent({ ...options, lookup } as https.AgentOptions), policy),
  };
}
