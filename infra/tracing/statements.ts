/**
 * A MongoDB command as a span shows it: its fields, each value replaced by `?`, nested documents by
 * their own fields, so that `{ find: 'users', filter: { email: … } }` reads `{"find":"?","filter":{"email":"?"}}`.
 */
export function commandShape(command: Record<string, unknown>): string {
  return JSON.stringify(shape(command, 0));
}

function shape(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return '?';
  if (Array.isArray(value)) return value.length ? [shape(value[0], depth + 1)] : [];
  // Binary values, ObjectIds and dates are values, not documents.
  if (!Object.getPrototypeOf(value) || Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.keys(value).map((k) => [k, shape((value as Record<string, unknown>)[k], depth + 1)]),
    );
  }
  return '?';
}
