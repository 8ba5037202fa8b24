// Fails when a workspace imports a package its own package.json does not declare. npm's
// hoisting makes such an import work here by accident (another workspace or the root brought
// the package into node_modules) and break wherever the workspace is installed on its own.
// Usage: node scripts/check-declared-imports.mjs   (from the repository root; exit 1 on findings)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = process.cwd();
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SKIP_DIRS = new Set(['node_modules', 'dist', 'generated', 'out', 'build', '.turbo', 'test-results', 'playwright-report']);
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
// Static imports and re-exports, side-effect imports, dynamic import() and require() of a string literal.
const SPECIFIERS =
  /(?:^|[^\w$.])(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"\s]+)['"]|(?:^|[^\w$.])import\s*['"]([^'"\s]+)['"]|(?:^|[^\w$.])(?:import|require)\s*\(\s*['"]([^'"\s]+)['"]\s*\)/gm;
const builtins = new Set(builtinModules);

function workspaceDirs() {
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent)).map((name) => `${parent}/${name}`);
  });
}

function sourceFiles(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The package a bare specifier names (`@scope/name` or `name`), or null for relative, `#internal`, `node:` and built-ins. */
function packageOf(specifier) {
  if (/^[./#]/.test(specifier) || specifier.startsWith('node:') || specifier.includes('${')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  // Not a package name (a specifier-looking string inside a regular expression, say).
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) return null;
  return builtins.has(name) ? null : name;
}

const problems = [];
for (const workspace of workspaceDirs()) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const declared = new Set([
    manifest.name,
    ...['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.keys(manifest[field] ?? {}),
    ),
  ]);
  const missing = new Map();
  for (const file of sourceFiles(join(root, workspace))) {
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIERS)) {
      const name = packageOf(match[1] ?? match[2] ?? match[3] ?? '');
      if (name === null || name === '' || declared.has(name)) continue;
      if (!missing.has(name)) missing.set(name, relative(root, file));
    }
  }
  for (const [name, file] of missing) problems.push(`${workspace}: imports "${name}" (e.g. ${file}) without declaring it in package.json`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log('every workspace declares the packages it imports');
}
