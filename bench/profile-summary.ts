/**
 * Where a process spent its CPU, from a V8 CPU profile (`npm run bench -- --cpu-prof <dir>`):
 * self time grouped by package (node_modules/<name>), the workflow sandbox (the workflow bundle),
 * this project's folders, Node's internals, and V8's garbage collector.
 *
 *   tsx bench/profile-summary.ts <file.cpuprofile>...
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function category({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (/workflow-bundle/.test(url)) return 'workflow sandbox (bundle)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(activities|api|config|domain|infra|workers|workflows)\//.exec(url);
  return own ? `${own[1]}/` : url;
}

/** The registration phase the bench wrote next to the profiles, on the same monotonic clock (µs). */
export interface Window {
  startUs: number;
  endUs: number;
  registrations: number;
}

export function summarise(profile: Profile, window?: Window): { totalMs: number; shares: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.startUs || at > window.endUs)) return;
    const name = category(byId.get(id)!.callFrame);
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    if (name === '(idle)') return;
    total += delta;
    ms.set(name, (ms.get(name) ?? 0) + delta);
  });
  return { totalMs: total, shares: [...ms].sort((a, b) => b[1] - a[1]) };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const windowFile = join(dirname(file), 'window.json');
    const window = existsSync(windowFile) ? (JSON.parse(readFileSync(windowFile, 'utf8')) as Window) : undefined;
    const { totalMs, shares } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, window);
    const perRegistration = window ? `, ${(totalMs / window.registrations).toFixed(1)} ms per registration` : '';
    console.log(
      `\n${file}: ${Math.round(totalMs)} ms busy${window ? ' during the registrations' : ''}${perRegistration}`,
    );
    for (const [name, value] of shares.slice(0, 20))
      console.log(
        `  ${((value / totalMs) * 100).toFixed(1).padStart(5)} %  ${Math.round(value).toString().padStart(6)} ms  ${name}`,
      );
  }
}
