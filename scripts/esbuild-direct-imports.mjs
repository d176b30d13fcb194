/**
 * Barrel-free imports for a bundle split into chunks (`splitting: true`). esbuild puts in an entry's
 * chunk every file the entry reaches through import statements, whether it uses them or not (tree
 * shaking trims code inside a chunk, not the files it imports): a command importing one constant
 * from `@mailramp/builder` would load the whole builder, handlebars, html-to-text and axios with it.
 * `createDirectImports().rewrite` turns each named import or re-export from a barrel (a module made
 * only of `export … from`, such as a package's src/index.ts) into imports from the modules that
 * define the names, so a chunk reaches only what its code uses. A name it cannot trace (`export *
 * as ns`, a default import) leaves its statement as written: the bundle is then bigger, never wrong.
 */

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';

/** A top-level named import or re-export (`import { a, type B, c as d } from 'x';`). */
const NAMED_FROM = /^(import|export)[ \t]+\{([^}]*)\}\s*from\s*(['"])([^'"\n]+)\3[ \t]*;?/gm;

/** A destructured dynamic import (`const { a, b: c } = await import('x')`): the part from `await`. */
const DESTRUCTURED_IMPORT = /\{([^{}]*)\}\s*=\s*(await\s+import\(\s*(['"])([^'"\n]+)\3\s*\))/g;

/** A re-export statement of a barrel: named (`export { a } from`), `export * from`, `export * as n from`. */
const RE_EXPORT =
  /export\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+([\w$]+))?)\s*from\s*(['"])([^'"\n]+)\4\s*;?/g;

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * A rewriter sharing what it read across the files of one build.
 *
 * @param {{ bundled: (path: string) => boolean }} options which bare imports are bundled (the
 *   workspace's packages); relative ones always are
 */
export function createDirectImports({ bundled }) {
  /** @type {Map<string, { named: Map<string, { spec: string, name: string }>, stars: string[] } | null>} */
  const barrels = new Map();
  /** @type {Map<string, Promise<string | undefined>>} */
  const resolved = new Map();

  /** The bundled source file `spec` names when `importer` imports it; undefined for an external. */
  function resolveIn(build) {
    return (spec, importer) => {
      if (!spec.startsWith('.') && !bundled(spec)) return Promise.resolve(undefined);
      const key = `${dirname(importer)}\0${spec}`;
      if (!resolved.has(key)) {
        resolved.set(
          key,
          build
            .resolve(spec, { kind: 'import-statement', resolveDir: dirname(importer), importer })
            .then((r) => (r.errors.length === 0 && !r.external && isAbsolute(r.path) ? r.path : undefined)),
        );
      }
      return resolved.get(key);
    };
  }

  /** The re-exports of `file` when it is a barrel, else null. */
  function barrelOf(file) {
    if (!barrels.has(file)) barrels.set(file, parseBarrel(file));
    return barrels.get(file);
  }

  /** The module defining the value `name` that barrel `file` exports, or undefined when untraceable. */
  async function trace(file, name, resolveFile, depth = 0) {
    const barrel = barrelOf(file);
    if (barrel === null || depth > 20) return undefined;
    const named = barrel.named.get(name);
    if (named !== undefined) {
      if (named.name === '*') return undefined;
      const target = await resolveFile(named.spec, file);
      if (target === undefined) return undefined;
      return barrelOf(target) === null
        ? { file: target, name: named.name }
        : trace(target, named.name, resolveFile, depth + 1);
    }
    for (const spec of barrel.stars) {
      const target = await resolveFile(spec, file);
      if (target === undefined) continue;
      if (barrelOf(target) !== null) {
        const found = await trace(target, name, resolveFile, depth + 1);
        if (found !== undefined) return found;
      } else if (declares(readFileSync(target, 'utf8'), name)) {
        return { file: target, name };
      }
    }
    return undefined;
  }

  return {
    /**
     * `source` (of `file`) with its named imports and re-exports from barrels pointing at the
     * defining modules. Line numbers are kept, so source maps stay right.
     *
     * @param {string} source
     * @param {string} file
     * @param {import('esbuild').PluginBuild} build resolves the imports as the bundle does
     */
    async rewrite(source, file, build) {
      if (barrelOf(file) !== null) return source;
      const resolveFile = resolveIn(build);
      const edits = [];
      for (const match of source.matchAll(NAMED_FROM)) {
        const [statement, keyword, list, , spec] = match;
        const target = await resolveFile(spec, file);
        if (target === undefined || barrelOf(target) === null) continue;
        const specifiers = parseSpecifiers(list);
        if (specifiers === undefined || specifiers.length === 0) continue;
        const byFile = new Map();
        let traced = true;
        for (const s of specifiers) {
          const found = await trace(target, s.name, resolveFile);
          if (found === undefined) {
            traced = false;
            break;
          }
          const items = byFile.get(found.file) ?? [];
          items.push(found.name === s.as ? s.as : `${found.name} as ${s.as}`);
          byFile.set(found.file, items);
        }
        if (!traced) continue;
        const statements = [...byFile].map(
          ([to, items]) =>
            `${keyword} { ${items.join(', ')} } from ${JSON.stringify(relativeSpec(file, to))};`,
        );
        edits.push({
          at: match.index,
          length: statement.length,
          text: statements.join(' ') + '\n'.repeat(statement.split('\n').length - 1),
        });
      }
      for (const match of source.matchAll(DESTRUCTURED_IMPORT)) {
        const [, pattern, call, , spec] = match;
        const target = await resolveFile(spec, file);
        if (target === undefined || barrelOf(target) === null) continue;
        const names = parseBindings(pattern);
        if (names === undefined || names.length === 0) continue;
        const found = await Promise.all(names.map((name) => trace(target, name, resolveFile)));
        if (found.some((f) => f === undefined)) continue;
        const files = [...new Set(found.map((f) => f.file))];
        const specs = files.map((f) => JSON.stringify(relativeSpec(file, f)));
        // One module exporting each name as the barrel does: import it instead. Else each name is
        // picked from its module, under the barrel's name the pattern destructures.
        const text =
          files.length === 1 && found.every((f, i) => f.name === names[i])
            ? `await import(${specs[0]})`
            : `await Promise.all([${specs.map((s) => `import(${s})`).join(', ')}]).then((m) => ({ ${names
                .map((name, i) => `${name}: m[${files.indexOf(found[i].file)}].${found[i].name}`)
                .join(', ')} }))`;
        edits.push({ at: match.index + match[0].length - call.length, length: call.length, text });
      }
      edits.sort((a, b) => a.at - b.at);
      let out = source;
      for (const edit of edits.reverse()) {
        out = out.slice(0, edit.at) + edit.text + out.slice(edit.at + edit.length);
      }
      return out;
    },
    /** The barrels read so far: a bundle built from the rewrite is stale when one of them changes. */
    barrels() {
      return [...barrels].filter(([, b]) => b !== null).map(([file]) => file);
    },
  };
}

/** The re-exports of a barrel file, or null when the file holds anything else. */
function parseBarrel(file) {
  if (!/\.[cm]?[jt]s$/.test(file)) return null;
  let source;
  try {
    source = readFileSync(file, 'utf8').replace(COMMENTS, '');
  } catch {
    return null;
  }
  const named = new Map();
  const stars = [];
  let statements = 0;
  const rest = source.replace(RE_EXPORT, (_, typeOnly, list, namespace, _quote, spec) => {
    statements++;
    if (typeOnly !== undefined) return '';
    if (namespace !== undefined) named.set(namespace, { spec, name: '*' });
    else if (list === undefined) stars.push(spec);
    else for (const s of parseSpecifiers(list) ?? []) named.set(s.as, { spec, name: s.name });
    return '';
  });
  return statements > 0 && rest.trim() === '' ? { named, stars } : null;
}

/** The value specifiers of `{ a, type B, c as d }` (types dropped), or undefined for a form not handled. */
function parseSpecifiers(list) {
  const out = [];
  for (const raw of list.replace(COMMENTS, '').split(',')) {
    const s = raw.trim();
    if (s === '' || /^type\s/.test(s)) continue;
    const m = /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(s);
    if (m === null || m[1] === 'default') return undefined;
    out.push({ name: m[1], as: m[2] ?? m[1] });
  }
  return out;
}

/** The names an object pattern takes (`{ a, b: c }` → a, b), or undefined for a form not handled. */
function parseBindings(pattern) {
  const out = [];
  for (const raw of pattern.replace(COMMENTS, '').split(',')) {
    const s = raw.trim();
    if (s === '') continue;
    const m = /^([\w$]+)(?:\s*:\s*[\w$]+)?$/.exec(s);
    if (m === null || m[1] === 'default') return undefined;
    out.push(m[1]);
  }
  return out;
}

/** Whether a module's source declares and exports the value `name` itself. */
function declares(source, name) {
  const declared = new RegExp(
    `^export\\s+(?:declare\\s+)?(?:const|let|var|function\\*?|async\\s+function\\*?|class|abstract\\s+class|enum|const\\s+enum)\\s+${name.replace(/\$/g, '\\$')}\\b`,
    'm',
  );
  return declared.test(source);
}

/** `to` as an import specifier relative to the file `from`. */
function relativeSpec(from, to) {
  const spec = relative(dirname(from), to).split('\\').join('/');
  return spec.startsWith('.') ? spec : `./${spec}`;
}
