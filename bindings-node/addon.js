'use strict';
// Which native addon this platform loads: napi-rs's file names
// (signet.linux-x64-gnu.node, signet.darwin-arm64.node, signet.win32-x64-msvc.node, ...).
// Used by index.js to load it and by install.js to build or find it.

/** The napi-rs platform name of the running Node: `linux-x64-gnu`, `darwin-arm64`, ... */
function platformName(platform = process.platform, arch = process.arch) {
  if (platform === 'linux') {
    const glibc = Boolean(process.report?.getReport?.()?.header?.glibcVersionRuntime);
    const libc = glibc ? 'gnu' : 'musl';
    return arch === 'arm' ? `linux-arm-${libc}eabihf` : `linux-${arch}-${libc}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** The addon file name for this platform. */
function addonFile() {
  return `signet.${platformName()}.node`;
}

module.exports = { platformName, addonFile };
