/** The console's "Find a registration" page shows the registration's trace id when it was traced. */
import { registrationPage, type FoundRegistration } from '../../api/views/admin/registration';

const found = (traceId?: string): FoundRegistration => ({
  user: {
    userId: 'u1',
    loginName: 'alice',
    email: 'alice@example.test',
    status: 'DISABLED',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    workflowId: 'registration-abc',
    stage: 'AWAITING_ACTIVATION',
    ...(traceId ? { traceId } : {}),
  },
  messages: [],
  workflowUrl: 'http://ui/namespaces/default/workflows/registration-abc',
});

test('a traced registration shows its trace id beside its workflow', () => {
  const page = String(
    registrationPage({ csrfToken: 'x' }, 'alice@example.test', found('0af7651916cd43dd8448eb211c80319c')),
  );
  expect(page).toMatch(/<th scope="row">trace id<\/th>\s*<td><code>0af7651916cd43dd8448eb211c80319c<\/code><\/td>/);
});

test('an untraced registration has no trace id row', () => {
  expect(String(registrationPage({ csrfToken: 'x' }, 'alice@example.test', found()))).not.toContain('trace id');
});
