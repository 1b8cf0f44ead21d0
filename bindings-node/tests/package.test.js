'use strict';
// The package as users install it:
// - `npm pack`, then the tarball installed into a new project with no Rust and no npm tools on
//   PATH (only `node`) and no network (`--offline`): it must use the prebuilt addon;
// - the README's examples (CommonJS, ES modules, TypeScript) run in that project, printing
//   exactly the output the README shows, and the shared API test runs against that install;
// - `npm install <path>` of a clean checkout (the repository's files, no node_modules, no addon).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { addonFile } = require('../addon.js');

const PKG = join(__dirname, '..');
const ROOT = join(PKG, '..');
const NPM_QUIET = { npm_config_loglevel: 'error', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let tmp;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'signet-package-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function newProject(name) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }));
  return dir;
}

/**
 * The README's examples: a fence right after `<!-- example: FILE -->` is the program, and the
 * `text` fence right after `<!-- output: FILE -->` is what it prints.
 */
function readmeExamples() {
  const text = readFileSync(join(PKG, 'README.md'), 'utf8');
  const fence = (kind) => new RegExp(`<!-- ${kind}: ([\\w.-]+) -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``, 'g');
  const programs = new Map([...text.matchAll(fence('example'))].map((m) => [m[1], m[2]]));
  const outputs = new Map([...text.matchAll(fence('output'))].map((m) => [m[1], m[2]]));
  return { programs, outputs };
}

describe('npm pack tarball', () => {
  let project;
  let tarball;

  before(() => {
    const out = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: PKG, env: { ...process.env, ...NPM_QUIET } });
    const [info] = JSON.parse(out.slice(out.indexOf('[')));
    tarball = join(tmp, info.filename);
    // Only `node` and `sh` (npm runs install scripts with it) on PATH: no cargo, no rustc, no napi,
    // no npm for the install script to reach.
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(realpathSync('/bin/sh'), join(bin, 'sh'));
    // npm itself, run by that node (its `npm` command is a script that needs more on PATH).
    const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    project = newProject('tarball');
    const env = { ...NPM_QUIET, HOME: process.env.HOME, PATH: bin };
    run(process.execPath, [npmCli, 'install', '--offline', tarball], { cwd: project, env });
  });

  it('holds the built addon and the JS files, no Rust sources, and no dependencies', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, [
      'package/README.md', 'package/addon.js', 'package/errors.js', 'package/index.d.ts', 'package/index.js',
      'package/install.js', 'package/package.json', `package/${addonFile()}`, 'package/shared.d.ts',
    ].sort());
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'signet', 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(readdirSync(join(project, 'node_modules')).filter((d) => !d.startsWith('.')), ['signet']);
  });

  it('runs the README examples: CommonJS, ES modules and TypeScript', () => {
    const { programs, outputs } = readmeExamples();
    assert.deepEqual([...programs.keys()].sort(), ['example.cjs', 'example.mjs', 'example.ts']);
    for (const [file, source] of programs) writeFileSync(join(project, file), source);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', types: ['node'],
        typeRoots: [join(PKG, 'node_modules', '@types')], outDir: 'out', skipLibCheck: false },
      files: ['example.ts'],
    }));
    run(join(PKG, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project });
    const runs = { 'example.cjs': 'example.cjs', 'example.mjs': 'example.mjs', 'example.ts': join('out', 'example.js') };
    for (const [file, js] of Object.entries(runs)) {
      const stdout = run(process.execPath, [js], { cwd: project });
      assert.equal(stdout, outputs.get(file), `${file}: output differs from the README's`);
    }
  });

  it('without an addon for the platform, install and require say how to build from source', () => {
    // The installed package as it is on a platform it has no addon for.
    const other = join(tmp, 'other-platform', 'node_modules', 'signet');
    mkdirSync(other, { recursive: true });
    for (const f of readdirSync(join(project, 'node_modules', 'signet'))) {
      if (!f.endsWith('.node')) writeFileSync(join(other, f), readFileSync(join(project, 'node_modules', 'signet', f)));
    }
    const install = spawnSync(process.execPath, ['install.js'], { cwd: other, encoding: 'utf8' });
    assert.equal(install.status, 1, install.stderr);
    assert.match(install.stderr, new RegExp(`no prebuilt addon for ${addonFile().slice('signet.'.length, -'.node'.length)}`));
    assert.match(install.stderr, /npm install \/path\/to\/signet\/bindings-node/);
    assert.match(install.stderr, /cargo with Rust >= 1\.89/);
    const load = spawnSync(process.execPath, ['-e', "require('signet')"], { cwd: join(other, '..', '..'), encoding: 'utf8' });
    assert.notEqual(load.status, 0);
    assert.match(load.stderr, /signet: no native addon for .*Build it from source.*needs cargo/);
  });

  it('passes the shared API test (js/tests/api.test.mjs) as installed', () => {
    run(process.execPath, ['--test', join(ROOT, 'js', 'tests', 'api.test.mjs')], {
      env: { ...process.env, SIGNET_JS_TARGET: 'node', SIGNET_NODE_PACKAGE: join(project, 'node_modules', 'signet') },
    });
  });
});

describe('npm install <path>', () => {
  it('installs a clean checkout (builds the addon with cargo, needs nothing from npm)', () => {
    // The repository's files as a fresh clone has them (tracked, plus new files not ignored), with
    // their mtimes, so cargo (same CARGO_TARGET_DIR) finds the build up to date.
    const checkout = join(tmp, 'checkout');
    mkdirSync(checkout);
    const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
    const present = list.toString('utf8').split('\0').filter((f) => f && existsSync(join(ROOT, f)));
    writeFileSync(join(tmp, 'files'), present.join('\0'));
    execFileSync('sh', ['-c', `tar -C "$1" --null -T "$2" -cf - | tar -C "$3" -xf -`, 'sh', ROOT, join(tmp, 'files'), checkout]);
    const node = join(checkout, 'bindings-node');
    assert.deepEqual(readdirSync(node).filter((f) => f.endsWith('.node') || f === 'node_modules' || f === 'errors.js'), []);

    const project = newProject('path');
    run('npm', ['install', '--offline', node], { cwd: project, env: { ...process.env, ...NPM_QUIET } });
    assert.ok(existsSync(join(node, addonFile())));
    const out = run(process.execPath, ['-e', `
      const s = require('signet');
      let code;
      try { s.checkSpki('x', { device: 'yubikey' }); } catch (e) { code = e instanceof s.InvalidRequestError && e.code; }
      console.log(s.validateOrder({}, { at: '2025-06-01' }).valid, code, require.resolve('signet'));
    `], { cwd: project });
    assert.equal(out, `false unknown_device_profile ${join(node, 'index.js')}\n`);
  });
});
