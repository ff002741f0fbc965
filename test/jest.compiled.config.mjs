// The same suites, run against the production build (dist/, from `npm run build`) instead of the
// TypeScript sources: every import of src/ or dialogs/ from a test resolves to its compiled file.
// The deploy and cluster suites are left out: they build dist/ themselves and start the compiled
// program, and a rebuild under the feet of the other suites would change what they import.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).jest;

export default {
  ...base,
  rootDir: root,
  testPathIgnorePatterns: ['/node_modules/', '/test/deploy/', '/test/cluster/'],
  moduleNameMapper: {
    '^(?:\\.\\./)+(src|dialogs)/(.*)$': '<rootDir>/dist/$1/$2',
  },
};
