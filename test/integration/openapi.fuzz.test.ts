/**
 * Schema-driven fuzzing of every endpoint in /api/openapi.json: valid inputs generated from the
 * documented request schemas (json-schema-faker), invalid ones from fast-check. No answer may be a
 * 5xx (beyond what an endpoint documents, as /health's 503), and every answer must match the schema
 * documented for its status. A request the document calls valid (checked against the document itself)
 * is never refused for its form, and a method a path does not document answers the documented 405.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import jsf from 'json-schema-faker';
import { startApp, type RunningApp } from '../setup/app';
import { request } from '../setup/http';

jsf.option({ alwaysFakeOptionals: false, failOnInvalidFormat: false });

type JsonSchema = Record<string, any>;
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  summary: string;
  security?: { admin?: []; codec?: [] }[];
  parameters: Parameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { content: { 'application/json': { schema: JsonSchema } } }>;
}
interface Case {
  pathValues: Record<string, string>;
  query: Record<string, string>;
  body?: { json?: unknown; raw?: string; contentType?: string };
  credential: 'right' | 'wrong' | 'none';
}

let app: RunningApp;
let doc: {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content: { 'application/json': { schema: JsonSchema } } }> };
};
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

beforeAll(async () => {
  app = await startApp({
    ADMIN_TOKEN: 'fuzz-admin',
    CODEC_TOKEN: 'fuzz-codec',
    ACTIVATION_RESENDS_PER_HOUR: '100000',
  });
  const res = await request(app.baseUrl, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await app?.stop();
});

const valid = (schema: JsonSchema) => fc.constant(null).map(() => jsf.generate(schema) as unknown);
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '%', '\u0000', 'x'.repeat(300), '../x'),
);
const notDotSegment = (s: string) => s !== '.' && s !== '..' && s !== '';

/** Values json-schema-faker generates for `schema` that the document's schema really accepts. */
const documentedValid = (schema: JsonSchema) => {
  const accepts = ajv.compile(schema);
  return valid(schema).filter((value) => accepts(value));
};

/** Only requests the document calls valid: every part as documented, required parameters given, the right credential. */
function validCaseArbitrary(op: Operation): fc.Arbitrary<Case> {
  const params = (where: 'path' | 'query') =>
    fc
      .record(
        Object.fromEntries(
          op.parameters
            .filter((p) => p.in === where)
            .map((p) => {
              const value = documentedValid(p.schema).map(String);
              return [p.name, p.required ? value : fc.option(value, { nil: undefined })];
            }),
        ),
      )
      .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const bodySchema = op.requestBody?.content['application/json'].schema;
  return fc.record({
    pathValues: params('path').filter((values) => Object.values(values).every(notDotSegment)),
    query: params('query'),
    body: bodySchema ? documentedValid(bodySchema).map((json) => ({ json })) : fc.constant(undefined),
    credential: fc.constant<Case['credential']>('right'),
  });
}

/** The codes that refuse a request for its form or its credential, rather than for what it asks. */
const REFUSALS = ['VALIDATION_FAILED', 'MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST'];

function caseArbitrary(op: Operation): fc.Arbitrary<Case> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content['application/json'].schema;

  const pathValues = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [p.name, fc.oneof(valid(p.schema).map(String), oddString).filter(notDotSegment)]),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const validQuery = fc
    .record(
      Object.fromEntries(queryParams.map((p) => [p.name, fc.option(valid(p.schema).map(String), { nil: undefined })])),
    )
    .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const query = fc.oneof(
    validQuery,
    fc.dictionary(fc.constantFrom(...queryParams.map((p) => p.name), 'extra', 'limit'), oddString),
  );

  const body = bodySchema
    ? fc.oneof(
        valid(bodySchema).map((json) => ({ json })),
        valid(bodySchema).chain((json) =>
          fc
            .anything()
            .map((junk) => ({ json: { ...(json as object), [Object.keys(json as object)[0] ?? 'x']: junk } })),
        ),
        fc.anything().map((json) => ({ json })),
        fc.string().map((raw) => ({ raw, contentType: 'application/json' })),
        fc.string().map((raw) => ({ raw, contentType: 'text/plain' })),
      )
    : fc.constant(undefined);

  return fc.record({
    pathValues,
    query,
    body,
    credential: fc.constantFrom<Case['credential']>('right', 'right', 'right', 'wrong', 'none'),
  });
}

async function send(path: string, method: string, op: Operation, c: Case) {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(c.pathValues[name]));
  const qs = new URLSearchParams(c.query).toString();
  const headers: Record<string, string> = { accept: 'application/json', 'x-forwarded-for': '192.0.2.7' };
  const scheme = op.security?.[0] && Object.keys(op.security[0])[0];
  if (scheme && c.credential !== 'none') {
    headers.authorization = `Bearer ${c.credential === 'right' ? (scheme === 'admin' ? 'fuzz-admin' : 'fuzz-codec') : 'wrong'}`;
  }
  if (c.body?.contentType) headers['content-type'] = c.body.contentType;
  return request(app.baseUrl, method.toUpperCase(), `${url}${qs ? `?${qs}` : ''}`, {
    json: c.body && 'json' in c.body ? (c.body.json === undefined ? null : c.body.json) : undefined,
    raw: c.body?.raw,
    headers,
  });
}

const operationsOf = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );

test('the document describes every endpoint of the API', () => {
  const described = operationsOf().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
  expect(described).toEqual(
    expect.arrayContaining([
      'POST /api/users/register',
      'GET /api/users/activate/{token}',
      'POST /api/users/activate/{token}',
      'POST /api/users/activate',
      'POST /api/users/activation/resend',
      'GET /api/users',
      'GET /api/users/{userId}',
      'GET /api/messages',
      'GET /api/messages/{messageKey}',
      'POST /api/messages/{messageKey}/resend',
      'POST /api/messages/resend-dead',
      'GET /health',
      'POST /codec/decode',
      'POST /codec/encode',
    ]),
  );
});

test('every endpoint, fuzzed: no 5xx, every answer as documented', async () => {
  for (const { path, method, op } of operationsOf()) {
    await fc.assert(
      fc.asyncProperty(caseArbitrary(op), async (c) => {
        const res = await send(path, method, op, c);
        const documented = op.responses[String(res.status)];
        const where = `${method.toUpperCase()} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect({ where, documented: !!documented }).toEqual({ where, documented: true });
        const validate = ajv.compile(documented.content['application/json'].schema);
        const ok = validate(res.body);
        expect({ where, errors: ok ? null : validate.errors }).toEqual({ where, errors: null });
      }),
      { numRuns: 40 },
    );
  }
}, 600_000);

test('every request the document calls valid is accepted or answered with a documented status, never refused for its form', async () => {
  for (const { path, method, op } of operationsOf()) {
    await fc.assert(
      fc.asyncProperty(validCaseArbitrary(op), async (c) => {
        const res = await send(path, method, op, c);
        const where = `${method.toUpperCase()} ${path} ${JSON.stringify(c)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        const code = (res.body as { error?: { code?: string } } | undefined)?.error?.code;
        expect({ where, documented: !!op.responses[String(res.status)] }).toEqual({ where, documented: true });
        expect({ where, refused: res.status === 401 || REFUSALS.includes(code ?? '') }).toEqual({
          where,
          refused: false,
        });
      }),
      { numRuns: 25 },
    );
  }
}, 600_000);

test('a documented path answers exactly the methods it lists: OPTIONS names them in Allow, any other method is the documented 405', async () => {
  const schema = ajv.compile(doc.components.responses.MethodNotAllowed.content['application/json'].schema);
  for (const [path, methods] of Object.entries(doc.paths)) {
    const documented = Object.keys(methods).map((m) => m.toUpperCase());
    const allow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
    const op = Object.values(methods)[0];
    const [c] = fc.sample(validCaseArbitrary(op), 1);
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => c.pathValues[name]);
    // A concrete path is matched before a templated one (as OpenAPI matches them): a value that makes this
    // URL another documented path is that path's.
    if (url !== path && url in doc.paths) continue;

    const options = await send(path, 'OPTIONS', op, { ...c, body: undefined });
    expect({ path, status: options.status, allow: options.headers.get('allow') }).toEqual({ path, status: 204, allow });

    const undocumented = ['PUT', 'PATCH', 'DELETE', 'GET', 'POST'].filter((m) => !documented.includes(m));
    for (const method of undocumented) {
      const res = await send(path, method, op, { ...c, body: undefined });
      const where = `${method} ${path} → ${res.status}`;
      expect({ where, status: res.status, allow: res.headers.get('allow') }).toEqual({ where, status: 405, allow });
      expect({ where, valid: schema(res.body) }).toEqual({ where, valid: true });
    }
  }
});
