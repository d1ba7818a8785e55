/** Injection tokens shared by every app. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const RPC_CLIENT = Symbol('RPC_CLIENT');
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
