'use strict';
// Completes package-lock.json with the other platforms' optional packages of
// napi-rs tools (@napi-rs/lzma-darwin-x64, ...).
//
// Why: the registry mirror this project is built against serves only the
// packages for its own platform, so `npm install` cannot record the others in
// the lock, and `npm ci` then refuses the lock as out of sync ("Missing: ...
// from lock file"). Each added entry carries the package's os/cpu/libc, so
// npm skips it on a platform it does not fit and fetches it by name@version
// from the registry on one it does. Run after `npm install` changes the lock:
//   node tools/complete-lock.js
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const lockPath = join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

/** os/cpu/libc of a napi-rs platform package, from its name suffix. */
function platform(suffix) {
  const table = [
    ['android-arm-eabi', 'android', 'arm'], ['android-arm64', 'android', 'arm64'],
    ['darwin-arm64', 'darwin', 'arm64'], ['darwin-x64', 'darwin', 'x64'], ['darwin-universal', 'darwin', null],
    ['freebsd-x64', 'freebsd', 'x64'], ['freebsd-arm64', 'freebsd', 'arm64'],
    ['linux-arm-gnueabihf', 'linux', 'arm', 'glibc'], ['linux-arm-musleabihf', 'linux', 'arm', 'musl'],
    ['linux-arm64-gnu', 'linux', 'arm64', 'glibc'], ['linux-arm64-musl', 'linux', 'arm64', 'musl'],
    ['linux-arm64-ohos', 'openharmony', 'arm64'],
    ['linux-ppc64-gnu', 'linux', 'ppc64', 'glibc'], ['linux-riscv64-gnu', 'linux', 'riscv64', 'glibc'],
    ['linux-s390x-gnu', 'linux', 's390x', 'glibc'], ['linux-x64-gnu', 'linux', 'x64', 'glibc'],
    ['linux-x64-musl', 'linux', 'x64', 'musl'], ['linux-loong64-gnu', 'linux', 'loong64', 'glibc'],
    ['wasm32-wasi', null, 'wasm32'],
    ['win32-arm64-msvc', 'win32', 'arm64'], ['win32-ia32-msvc', 'win32', 'ia32'], ['win32-x64-msvc', 'win32', 'x64'],
  ];
  const row = table.find(([s]) => s === suffix);
  if (!row) return null;
  const [, os, cpu, libc] = row;
  const out = {};
  if (cpu) out.cpu = [cpu];
  if (os) out.os = [os];
  if (libc) out.libc = [libc];
  return out;
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const parent = path.replace(/^node_modules\//, '');
    const suffix = name.startsWith(`${parent}-`) ? name.slice(parent.length + 1) : null;
    const p = suffix && platform(suffix);
    if (!p) throw new Error(`cannot tell the platform of ${name} (optional dependency of ${path})`);
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...p };
    added += 1;
  }
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entries`);
