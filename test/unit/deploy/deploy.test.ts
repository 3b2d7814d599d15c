/**
 * docker-compose.yml, the Dockerfile and the stack describe one deployment: the compose worker and
 * api services run the entrypoints `npm run stack` runs, with every variable deploy/env.ts gives
 * them; each `service_healthy` dependency has a healthcheck; the namespace script registers the
 * search attributes the workflows set. (`docker-compose config` itself runs in .ci/run.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ENTRYPOINTS, composeCommand } from '../../../deploy/entrypoints.js';
import { SERVICE_VARIABLES } from '../../../deploy/env.js';
import { repoRoot } from '../../../toolchain/paths.js';
import { customSearchAttributes } from '../../../workflows/search-attributes.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
}
const compose = YAML.parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService> };
const services = compose.services;
const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs two workers and the API from the application image with the entrypoints the stack runs', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'mail',
      'minio',
      'minio-bucket',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker-1',
      'worker-2',
    ]);
    for (const name of ['worker-1', 'worker-2'])
      expect(services[name]!.command).toEqual(composeCommand('worker'));
    expect(services.api!.command).toEqual(composeCommand('api'));
    // Each command is the compiled form of an entry module of this repository (tsc maps x.ts to dist/x.js).
    for (const kind of ['worker', 'api'] as const)
      expect(existsSync(path.join(repoRoot, `${ENTRYPOINTS[kind]}.ts`)), kind).toBe(true);
    for (const name of ['worker-1', 'worker-2', 'api']) expect(services[name]!.build).toBe('.');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["dist\/client\/api\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/npm run build &&/);
  });

  it('gives each service every variable the stack gives the same process', () => {
    for (const name of ['worker-1', 'worker-2'])
      expect(Object.keys(services[name]!.environment ?? {})).toEqual(
        expect.arrayContaining(SERVICE_VARIABLES.worker),
      );
    expect(Object.keys(services.api!.environment ?? {})).toEqual(
      expect.arrayContaining(SERVICE_VARIABLES.api),
    );
  });

  it('waits on health, not on start: every service_healthy dependency has a healthcheck, one-shots complete first', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} → ${dep}`).toBeDefined();
        expect(['service_healthy', 'service_completed_successfully'], `${name} → ${dep}`).toContain(
          condition,
        );
        if (condition === 'service_healthy')
          expect(services[dep]!.healthcheck, `${dep} has a healthcheck`).toBeDefined();
      }
    }
    expect(services.temporal!.image).toBe('temporalio/server:${TEMPORAL_VERSION:-1.29.1}');
    expect(services['temporal-schema']!.image).toBe('temporalio/admin-tools:${TEMPORAL_VERSION:-1.29.1}');
    expect(JSON.stringify(services)).not.toContain('auto-setup');
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on Node 24, installs with npm ci, prebundles the workflows, runs unprivileged with a healthcheck', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toContain('npm run bundle');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });
});

describe('deploy/temporal/create-namespace.sh', () => {
  it('registers exactly the search attributes the workflows set, with their types', () => {
    const script = readFileSync(path.join(repoRoot, 'deploy', 'temporal', 'create-namespace.sh'), 'utf8');
    const listed = /for attr in ([^;]+);/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(Object.fromEntries(listed.map((a) => a.split(':') as [string, string]))).toEqual(
      customSearchAttributes,
    );
  });
});
