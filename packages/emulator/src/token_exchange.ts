import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointContext } from './endpoint_context.js';
import type { TokenFault } from './faults.js';
import { readBody, sendJson, sendOversized, type Delivery } from './http_util.js';
import type { TokenRequestRecord } from './records.js';
import type { TokenRoute } from './token_endpoint.js';

/** What both token endpoints (mTLS and Bearer) start from. */
export interface TokenExchange {
  form: Record<string, string>;
  record: TokenRequestRecord;
  /** Trace id (x-ms-request-id) and correlation id (the client's, else new) for error bodies. */
  ids: { traceId: string; correlationId: string };
  /** How `reply` delivers: whole, or cut short by the `truncate` / `resetMidBody` faults. */
  delivery: Delivery;
  /** Sends JSON with the common headers and records the status. */
  reply(status: number, json: unknown, extra?: Record<string, string>): void;
}

/**
 * Reads the form, records the request for tests, and prepares the reply: `x-ms-request-id`
 * always, `client-request-id` echoed only when the client sent `return-client-request-id: true`.
 */
export async function beginTokenExchange(ctx: EndpointContext, req: IncomingMessage, res: ServerResponse, route: TokenRoute): Promise<TokenExchange> {
  const body = await readBody(req);
  const isForm = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  const form: Record<string, string> = isForm ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
  const record: TokenRequestRecord = {
    host: route.host, path: route.path, tenant: route.tenant, headers: req.headers, form,
    clientCertX5t: route.connection.clientCertX5t, newConnection: route.newConnection, connectionId: route.connection.id, status: 0,
  };
  ctx.tokenRequests.push(record);
  ctx.stats.tokenRequests++;

  const requestedId = req.headers['client-request-id'];
  const correlationId = typeof requestedId === 'string' && requestedId !== '' ? requestedId : randomUUID();
  const ids = { traceId: randomUUID(), correlationId };
  const headers: Record<string, string> = { 'x-ms-request-id': ids.traceId };
  if (req.headers['return-client-request-id'] === 'true') headers['client-request-id'] = correlationId;
  const exchange: TokenExchange = {
    form,
    record,
    ids,
    delivery: 'whole',
    reply: (status, json, extra = {}) => {
      record.status = status;
      sendJson(res, status, json, { ...headers, ...extra }, exchange.delivery, route.resetConnection);
    },
  };
  return exchange;
}

/**
 * The response faults of a token request, shared by both endpoints: waits out every `delay`; then
 * `destroySocket` drops the connection and `oversizedBody` answers with its padding (the request
 * is dealt with: `'done'`); `truncate` / `resetMidBody` set how the answer will be cut short.
 * Returns the `status` fault to answer with, if one matched.
 */
export async function applyResponseFaults(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: TokenRoute,
  exchange: TokenExchange,
): Promise<'done' | Extract<TokenFault, { kind: 'status' }> | undefined> {
  const faults = ctx.faults.takeResponseFaults(route.host);
  for (const fault of faults) if (fault.kind === 'delay') await ctx.sleep(fault.ms);
  // A client that gave up during the delay gets nothing, and uses up no fault meant for a later request.
  if (req.socket.destroyed) return 'done';
  if (faults.some((fault) => fault.kind === 'destroySocket')) {
    req.socket.destroy();
    return 'done';
  }
  const oversized = faults.find((fault): fault is Extract<TokenFault, { kind: 'oversizedBody' }> => fault.kind === 'oversizedBody');
  if (oversized !== undefined) {
    exchange.record.status = 200;
    sendOversized(res, oversized.bytes, oversized.chunked === true);
    return 'done';
  }
  if (faults.some((fault) => fault.kind === 'resetMidBody')) exchange.delivery = 'reset';
  else if (faults.some((fault) => fault.kind === 'truncate')) exchange.delivery = 'truncate';
  return faults.find((fault): fault is Extract<TokenFault, { kind: 'status' }> => fault.kind === 'status');
}
