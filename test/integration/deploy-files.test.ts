/**
 * The deployment files, checked with real tools and without a Docker engine or a cluster: kustomize (from
 * deploy/tools.sh) renders the Kubernetes base and dclint validates docker-compose.yml against the Compose
 * specification; the invariants below are read from what they produce, and from the Dockerfile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../config';
import { PRODUCTION_REQUIRED } from '../../config/production';
import { SHUTDOWN_GRACE_MS } from '../../workers/shutdown';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

const SECRETS = ['PAYLOAD_KEYS', 'ADMIN_TOKEN', 'CODEC_TOKEN', 'ACTIVATION_TOKEN_SECRET', 'ACTIVATION_CODE_KEY'];
const SECRET_NAME = 'reliable-signup-secrets';

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

describe('Kubernetes (kustomize build deploy/kubernetes)', () => {
  let objects: any[];
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the kustomize output`);
    return found;
  };
  const api = () => find('Deployment', 'reliable-signup-api');
  const worker = () => find('Deployment', 'reliable-signup-worker');
  const container = (deployment: any) => deployment.spec.template.spec.containers[0];
  /** A probe's port, named or numbered, as the container's port number. */
  const probePort = (deployment: any, port: string | number) =>
    typeof port === 'number' ? port : container(deployment).ports.find((p: any) => p.name === port)?.containerPort;

  beforeAll(() => {
    // The first run builds kustomize from the Go module proxy (a minute or two); later runs use the cache.
    const kustomize = execFileSync('bash', [join(root, 'deploy/tools.sh'), 'kustomize'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    const rendered = execFileSync(kustomize, ['build', join(root, 'deploy/kubernetes')], { encoding: 'utf8' });
    objects = parseAllDocuments(rendered).map((doc) => doc.toJS());
  }, 600_000);

  test('renders the API and the worker with their Service, ConfigMap, budgets and autoscalers', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/reliable-signup-config',
      'Deployment/reliable-signup-api',
      'Deployment/reliable-signup-worker',
      'HorizontalPodAutoscaler/reliable-signup-api',
      'HorizontalPodAutoscaler/reliable-signup-worker',
      'PodDisruptionBudget/reliable-signup-api',
      'PodDisruptionBudget/reliable-signup-worker',
      'Service/reliable-signup-api',
    ]);
    // The Secret is created in the cluster, never rendered from a committed file.
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  test.each(['reliable-signup-api', 'reliable-signup-worker'])('%s: probes, resources, non-root, env', (name) => {
    const deployment = find('Deployment', name);
    const pod = deployment.spec.template.spec;
    const c = container(deployment);
    expect(c.image).toBe('reliable-signup:latest');
    expect(c.readinessProbe).toBeDefined();
    expect(c.livenessProbe).toBeDefined();
    for (const kind of ['requests', 'limits']) {
      expect(c.resources?.[kind]?.cpu).toBeDefined();
      expect(c.resources?.[kind]?.memory).toBeDefined();
    }
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext.runAsUser ?? 1).toBeGreaterThan(0);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/tmp' }));
    expect(c.envFrom).toEqual([
      { configMapRef: { name: 'reliable-signup-config' } },
      { secretRef: { name: SECRET_NAME } },
    ]);
    // The autoscaler owns the replica count; an applied `replicas` would reset it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(find('HorizontalPodAutoscaler', name).spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
    });
  });

  test('the API is ready on GET /health, and a dependency that is down does not restart it', () => {
    const c = container(api());
    expect(c.command).toEqual(['node', 'dist/api/server.js']);
    const port = Number(find('ConfigMap', 'reliable-signup-config').data.PORT);
    expect(c.readinessProbe.httpGet.path).toBe('/health');
    expect(probePort(api(), c.readinessProbe.httpGet.port)).toBe(port);
    const liveness = c.livenessProbe;
    if (liveness.httpGet?.path === '/health') expect(liveness.failureThreshold).toBeGreaterThanOrEqual(10);
    else expect(probePort(api(), liveness.tcpSocket?.port ?? liveness.httpGet?.port)).toBe(port);

    const service = find('Service', 'reliable-signup-api');
    expect(service.spec.selector).toEqual(api().spec.selector.matchLabels);
    expect(probePort(api(), service.spec.ports[0].targetPort)).toBe(port);
    // Endpoints drain during the preStop pause, well within the grace period.
    const pause = Number(c.lifecycle.preStop.exec.command.at(-1));
    expect(api().spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + 10);
  });

  test("the API's metrics: a port of their own, scraped by annotation, not behind the Service", () => {
    const c = container(api());
    const metricsAddress = c.env.find((e: any) => e.name === 'API_METRICS_ADDRESS').value;
    const metricsPort = portOf(metricsAddress);
    expect(probePort(api(), 'metrics')).toBe(metricsPort);
    expect(metricsPort).not.toBe(Number(find('ConfigMap', 'reliable-signup-config').data.PORT));
    const annotations = api().spec.template.metadata.annotations;
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(Number(annotations['prometheus.io/port'])).toBe(metricsPort);
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    const service = find('Service', 'reliable-signup-api');
    for (const port of service.spec.ports) expect(probePort(api(), port.targetPort)).not.toBe(metricsPort);
  });

  test('the worker is probed on its metrics endpoint and outlives its shutdown grace', () => {
    const c = container(worker());
    expect(c.command).toEqual(['node', 'dist/workers/worker.js']);
    const metricsAddress = c.env.find((e: any) => e.name === 'WORKER_METRICS_ADDRESS').value;
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(probe.httpGet.path).toBe('/metrics');
      expect(probePort(worker(), probe.httpGet.port)).toBe(portOf(metricsAddress));
    }
    expect(Number(worker().spec.template.metadata.annotations['prometheus.io/port'])).toBe(portOf(metricsAddress));
    const graceSeconds = SHUTDOWN_GRACE_MS / 1000;
    expect(graceSeconds).toBeGreaterThan(0);
    expect(worker().spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(graceSeconds);
  });

  test('the worker has a disruption budget and an autoscaler that keeps two', () => {
    expect(find('PodDisruptionBudget', 'reliable-signup-worker').spec.selector.matchLabels).toEqual(
      worker().spec.selector.matchLabels,
    );
    expect(find('PodDisruptionBudget', 'reliable-signup-api').spec.selector.matchLabels).toEqual(
      api().spec.selector.matchLabels,
    );
    expect(find('HorizontalPodAutoscaler', 'reliable-signup-worker').spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  test('the ConfigMap and the Secret give every setting production requires, secrets only in the Secret', () => {
    const config = find('ConfigMap', 'reliable-signup-config').data;
    const secretExample = parse(read('deploy/kubernetes/secret.example.yaml'));
    expect(secretExample.metadata.name).toBe(SECRET_NAME);
    const secretKeys = Object.keys(secretExample.stringData);
    expect([...Object.keys(config), ...secretKeys]).toEqual(expect.arrayContaining(PRODUCTION_REQUIRED));
    for (const name of [...SECRETS, 'MONGODB_URI', 'REDIS_URL', 'SMTP_URL']) {
      expect(secretKeys).toContain(name);
      expect(config).not.toHaveProperty(name);
    }
    expect(config.NODE_ENV).toBe('production');
    // The example holds placeholders only.
    for (const value of Object.values(secretExample.stringData)) expect(value).toBe('REPLACE-ME');
  });

  test('the API believes X-Forwarded-For from one hop, the Ingress in front of it, and from no further', () => {
    const config = find('ConfigMap', 'reliable-signup-config').data;
    expect(config.TRUST_PROXY).toBe('1');
    expect(loadConfig({ TRUST_PROXY: config.TRUST_PROXY }).trustProxy).toBe(1);
    expect(api().spec.template.spec.containers[0].envFrom).toContainEqual({
      configMapRef: { name: 'reliable-signup-config' },
    });
  });
});

describe('docker-compose.yml', () => {
  const source = read('docker-compose.yml');
  const compose = parse(source, { merge: true });
  const services = compose.services;

  test('passes dclint (Compose specification schema and its rules), without a warning', () => {
    const dclint = join(dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');
    // Throws, with dclint's report, on any problem.
    execFileSync(process.execPath, [dclint, '--max-warnings', '0', '--color', 'false', 'docker-compose.yml'], {
      cwd: root,
      encoding: 'utf8',
    });
  });

  test.each(['api', 'worker'])(
    '%s: the image built from this checkout, nothing mounted, production settings',
    (name) => {
      const service = services[name];
      expect(service.build).toBe('.');
      expect(service.image).toBeUndefined();
      expect(service.volumes).toBeUndefined();
      expect(service.command).toEqual(['node', name === 'api' ? 'dist/api/server.js' : 'dist/workers/worker.js']);
      const env = service.environment;
      expect(env.NODE_ENV).toBe('production');
      expect(Object.keys(env)).toEqual(expect.arrayContaining(PRODUCTION_REQUIRED));
      // Compose refuses to start without each secret, pointing at .env.example.
      for (const secret of SECRETS) {
        expect(env[secret]).toBe(`\${${secret}:?set ${secret} in .env (see .env.example)}`);
      }
      expect(env.MONGODB_URI).toBe('mongodb://mongo:27017/reliable_signup?replicaSet=rs0');
      expect(Object.keys(service.depends_on).sort()).toEqual(['maildev', 'mongo', 'redis', 'temporal']);
    },
  );

  test('the API believes no X-Forwarded-For: nothing stands in front of its published port', () => {
    expect(services.api.environment.TRUST_PROXY).toBe('${TRUST_PROXY:-false}');
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  test('the published ports are the ones the processes listen on', () => {
    const containerPorts = (name: string) => services[name].ports.map((p: string) => Number(p.split(':').at(-1)));
    expect(containerPorts('api')).toEqual([
      Number(services.api.environment.PORT),
      portOf(services.api.environment.API_METRICS_ADDRESS),
    ]);
    expect(containerPorts('worker')).toEqual([portOf(services.worker.environment.WORKER_METRICS_ADDRESS)]);
    // Published on loopback only.
    for (const service of Object.values<any>(services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  test('MongoDB is a single-node replica set, Redis keeps an append-only file', () => {
    expect(services.mongo.image).toBe('mongo:7');
    expect(services.mongo.command.join(' ')).toContain('--replSet rs0');
    expect(services.mongo.healthcheck.test.join(' ')).toContain("rs.initiate({ _id: 'rs0'");
    expect(services.redis.image).toBe('redis:7');
    expect(services.redis.command.join(' ')).toContain('--appendonly yes --appendfsync everysec');
  });

  test("the Temporal UI decodes through the API's codec with the operator's session, and holds no secret", () => {
    const ui = services['temporal-ui'];
    expect(ui.environment.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${services.api.environment.PORT}/codec`);
    expect(ui.environment.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    // The UI serves its settings to anyone who opens it.
    for (const secret of SECRETS) expect(JSON.stringify(ui)).not.toContain(secret);
    const uiOrigin = `http://localhost:${ui.ports[0].split(':')[1]}`;
    expect(services.api.environment.CODEC_CORS_ORIGINS.split(',')).toContain(uiOrigin);
  });

  test('.env.example names every variable compose requires, with a command for it and no value', () => {
    const required = [...new Set([...source.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]))].sort();
    expect(required).toEqual([...SECRETS].sort());
    const example = read('.env.example');
    for (const name of required) {
      // The line above the empty assignment says how to generate a value.
      expect(example).toMatch(new RegExp(`#\\s+(openssl|node|echo)[^\\n]*\\n${name}=\\n`));
    }
  });
});

describe('Dockerfile', () => {
  /** Instructions, continuation lines joined and comments dropped, grouped by stage. */
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of read('Dockerfile')
    .replace(/\\\n(\s*#.*\n)*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] });
    else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  const final = stages.at(-1)!;
  const all = (op: string, stage = final) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

  test('is multi-stage: build, production dependencies, runtime', () => {
    expect(stages.map((s) => s.from.split(/\s+AS\s+/i)[1])).toEqual(['build', 'prod-deps', 'runtime']);
    for (const stage of stages) expect(stage.from).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim /);
  });

  test('installs with npm ci, scripts skipped, the runtime dependencies without dev ones', () => {
    const installs = stages.flatMap((s) => all('RUN', s)).filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs.length).toBe(2);
    for (const run of installs) {
      expect(run).toMatch(/\bnpm ci\b/);
      expect(run).toContain('--ignore-scripts');
    }
    expect(all('RUN', stages[1]).join(' ')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(all('RUN', stages[0]).join(' ')).toContain('npm run build');
  });

  test('runs as a non-root user from dist/ and the production node_modules only', () => {
    const copies = all('COPY');
    expect(copies).toEqual(
      expect.arrayContaining([
        '--from=prod-deps /app/node_modules ./node_modules',
        '--from=build /app/dist ./dist',
        'package.json ./',
      ]),
    );
    // Nothing is installed or built in the runtime stage.
    expect(all('RUN').join(' ')).not.toMatch(/npm (ci|install|run)|apt-get|yarn add/);
    const user = all('USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(all('ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(all('EXPOSE')).toEqual(['3000 9464 9465']);
    expect(all('CMD')).toEqual(['["node", "dist/api/server.js"]']);
  });

  test('has a HEALTHCHECK with node, whose script is copied in and kept in the build context', () => {
    const [healthcheck] = all('HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "deploy\/healthcheck\.js"\]$/);
    expect(all('COPY')).toContain('deploy/healthcheck.js ./deploy/healthcheck.js');
    expect(dockerIgnored('deploy/healthcheck.js')).toBe(false);
  });

  test('.dockerignore keeps out dependencies, builds, secrets and tests, and keeps what the build reads', () => {
    for (const path of ['node_modules/x', 'dist/x', '.data/x', '.git/HEAD', '.env', 'test/x', 'bench/results/x']) {
      expect([path, dockerIgnored(path)]).toEqual([path, true]);
    }
    // `npm run build` compiles with `tsc -p <config>`: that config and the folders it includes.
    const buildScript = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build ?? '';
    const buildConfig = /\btsc -p (\S+)/.exec(buildScript)?.[1];
    const included = buildConfig ? ((JSON.parse(read(buildConfig)) as { include?: string[] }).include ?? []) : [];
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      ...(buildConfig ? [buildConfig] : []),
      ...included,
    ]) {
      expect([path, dockerIgnored(`${path}/x.ts`) || dockerIgnored(path)]).toEqual([path, false]);
    }
  });
});

/** Whether Docker leaves `path` out of the build context: .dockerignore's patterns, the last match winning. */
function dockerIgnored(path: string): boolean {
  let ignored = false;
  for (const raw of read('.dockerignore').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const regex = new RegExp(
      `^${pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*')}(/.*)?$`,
    );
    if (regex.test(path)) ignored = !negated;
  }
  return ignored;
}
