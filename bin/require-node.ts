// Imported first by the commands: says what to do on a Node.js older than 20 before any module
// that needs 20 (commander 14, chokidar 5, unix-dgram built for Node 20's ABI) fails obscurely.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stderr.write(
    `ha-mount needs Node.js 20 or later; ${process.execPath} is ${process.version}. ` +
      "Debian 12's nodejs package is 18: install Node.js 20 from nodejs.org (tarball in /usr/local) or NodeSource's nodejs 20 package\n",
  );
  process.exit(2);
}
export {};
