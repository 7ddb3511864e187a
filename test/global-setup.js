// Builds the handler bundle (assets/handler/index.js) when it is missing or stale; a no-op otherwise.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-handler.js'), '--quiet'], { stdio: 'inherit' });
};
