import Handlebars from 'handlebars';
import { COMMON_VARIABLES, PARTIALS, type TemplateFile } from './catalog';

/** The block helpers a template may use; anything else (each, with, lookup, custom helpers) is refused. */
export const ALLOWED_HELPERS = ['if', 'unless'] as const;

export interface TemplateProblem {
  line: number;
  message: string;
}

type Node = hbs.AST.Node;

/**
 * What is wrong with one template file: a syntax error, a variable it does not declare, a partial that
 * does not exist, a helper other than if/unless, or unescaped output (`{{{…}}}`) other than a layout's
 * `body`. Empty when the file is fit to render.
 */
export function checkTemplate(source: string, template: TemplateFile): TemplateProblem[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (err) {
    return [{ line: errorLine(err), message: `syntax error: ${summary((err as Error).message)}` }];
  }
  const declared = new Set<string>([...template.variables, ...COMMON_VARIABLES]);
  const problems: TemplateProblem[] = [];
  const problem = (node: Node, message: string) => problems.push({ line: node.loc.start.line, message });

  const value = (node: Node) => {
    if (node.type === 'SubExpression') return problem(node, 'sub-expressions are not allowed');
    if (node.type !== 'PathExpression') return; // a literal
    const path = node as hbs.AST.PathExpression;
    if (path.data || path.depth > 0 || path.parts.length !== 1 || !declared.has(path.parts[0])) {
      problem(node, `unknown variable "${path.original}" (this template may use: ${[...declared].join(', ')})`);
    }
  };
  const helper = (node: Node, path: hbs.AST.PathExpression | hbs.AST.Literal) => {
    const name = 'original' in path ? String(path.original) : '';
    if (!(ALLOWED_HELPERS as readonly string[]).includes(name)) {
      problem(node, `unknown helper "${name}" (allowed: ${ALLOWED_HELPERS.join(', ')})`);
    }
  };
  const visit = (node: Node | null | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (m.params.length > 0 || m.hash) {
          helper(node, m.path);
          m.params.forEach(value);
          return;
        }
        value(m.path);
        const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
        if (!m.escaped && !(template.layout && name === 'body')) {
          problem(node, `"{{{${name}}}}" outputs "${name}" unescaped: use {{${name}}}`);
        }
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        helper(node, b.path);
        b.params.forEach(value);
        if (b.hash) problem(node, 'hash arguments are not allowed');
        visit(b.program);
        visit(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement;
        const name = p.name.type === 'PathExpression' ? (p.name).original : '';
        if (!(name in PARTIALS) || template.partial !== undefined || !template.file.endsWith('.html.hbs')) {
          problem(node, `unknown partial "${name}" (HTML parts may use: ${Object.keys(PARTIALS).join(', ')})`);
        }
        if (p.params.length > 0 || p.hash) problem(node, 'a partial takes no arguments');
        return;
      }
      case 'DecoratorBlock':
      case 'Decorator':
        problem(node, 'decorators are not allowed');
        return;
      default:
        return; // content and comments
    }
  };
  visit(program);
  return problems;
}

/** The line of a Handlebars parse error: "Parse error on line 3:" or, for a mismatched block, its `loc`. */
function errorLine(err: unknown): number {
  const { lineNumber, message } = err as { lineNumber?: number; message?: string };
  if (typeof lineNumber === 'number') return lineNumber;
  const match = /on line (\d+)/.exec(message ?? '') ?? /- (\d+):\d+/.exec(message ?? '');
  return match ? Number(match[1]) : 1;
}

/** "Parse error on line 3:\n<source>\n---^\nExpecting 'CLOSE', got 'EOF'" → its last line. */
const summary = (message: string) => message.split('\n').at(-1)!.trim();
