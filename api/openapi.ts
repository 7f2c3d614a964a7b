import { z } from 'zod';
import * as s from './schemas';

type Schema = z.ZodType;

interface Operation {
  method: 'get' | 'post';
  path: string;
  summary: string;
  security?: 'admin' | 'codec';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Schema;
  responses: Record<number, Schema>;
}

const e = s.errorResponse;
const jsonBody = { 400: e, 413: e, 415: e };

/** Every endpoint, described by the very schemas that validate its requests and shape its answers. */
export const operations: Operation[] = [
  {
    method: 'post',
    path: '/api/users/register',
    summary: 'Register a user; answers once the user is saved (DISABLED) and the activation mail is on its way',
    body: s.registerBody,
    responses: { 201: s.registeredResponse, ...jsonBody, 409: e, 429: e },
  },
  {
    method: 'get',
    path: '/api/users/activate/{token}',
    summary: 'Activate the account (the link in the activation mail); text/html clients get a page',
    params: s.tokenParams,
    responses: { 200: s.activatedResponse, 400: e, 410: e },
  },
  {
    method: 'post',
    path: '/api/users/activation/resend',
    summary: 'Send a new activation mail (same answer whether or not the address is known)',
    body: s.resendActivationBody,
    responses: { 202: s.resendAcceptedResponse, ...jsonBody, 429: e },
  },
  {
    method: 'get',
    path: '/api/users/{userId}',
    summary: 'A user, without the password hash (operators only: it holds personal data)',
    security: 'admin',
    params: s.userIdParams,
    responses: { 200: s.userResponse, 400: e, 401: e, 404: e },
  },
  {
    method: 'get',
    path: '/api/messages',
    summary: 'The reliable-message audit trail, newest first',
    security: 'admin',
    query: s.messagesQuery,
    responses: { 200: s.messageListResponse, 400: e, 401: e },
  },
  {
    method: 'post',
    path: '/api/messages/resend-dead',
    summary: 'Resend every DEAD message of a topic / consumer group',
    security: 'admin',
    query: s.resendDeadQuery,
    responses: { 202: s.resendDeadResponse, 400: e, 401: e },
  },
  {
    method: 'get',
    path: '/api/messages/{messageKey}',
    summary: 'One message with its confirms',
    security: 'admin',
    params: s.messageKeyParams,
    responses: { 200: s.messageDetailResponse, 400: e, 401: e, 404: e },
  },
  {
    method: 'post',
    path: '/api/messages/{messageKey}/resend',
    summary: 'Resend one DEAD message',
    security: 'admin',
    params: s.messageKeyParams,
    responses: { 202: s.resendResponse, 400: e, 401: e, 404: e, 409: e },
  },
  {
    method: 'get',
    path: '/health',
    summary: 'Each dependency up or down',
    responses: { 200: s.healthResponse, 503: s.healthResponse },
  },
  ...(['decode', 'encode'] as const).map((op): Operation => ({
    method: 'post',
    path: `/codec/${op}`,
    summary: `Temporal codec server: ${op} payloads (for the Web UI)`,
    security: 'codec',
    body: s.codecBody,
    responses: { 200: s.codecResponse, ...jsonBody, 401: e },
  })),
];

function jsonSchema(schema: Schema, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document served at /api/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    // Any endpoint answers 503 while a dependency it needs is down.
    const responses = op.path === '/health' ? op.responses : { ...op.responses, 503: s.errorResponse };
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.security ? { security: [{ [op.security]: [] }] } : {}),
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, schema]) => [
          status,
          { description: status, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'reliable-signup',
      version: '0.1.0',
      description:
        'User registration and e-mail activation, every side effect exactly once. Errors: {"error": {"code", "message"}}.',
    },
    paths,
    components: {
      securitySchemes: {
        admin: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        codec: { type: 'http', scheme: 'bearer', description: 'CODEC_TOKEN' },
      },
    },
  };
}
