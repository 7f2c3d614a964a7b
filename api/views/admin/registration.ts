import type { createMessageService } from '../../services/messages';
import type { ActivationWindowView, UserRegistrationView } from '../../services/users';
import { html } from '../html';
import { fieldTable, table } from '../table';
import { layout, statusClass, statusColumn, time, type PageContext } from './layout';

type Messages = Awaited<ReturnType<ReturnType<typeof createMessageService>['list']>>['items'];

export interface FoundRegistration {
  user: UserRegistrationView;
  messages: Messages;
  workflowUrl: string;
}

/** Find a registration by the address it was made with: its stage, its messages, its workflow. */
export function registrationPage(
  ctx: PageContext,
  email: string | undefined,
  found: FoundRegistration | undefined,
  problem?: string,
): string {
  return layout(
    'Find a registration',
    ctx,
    html`<form class="filters" method="get" action="/admin/registrations" aria-label="Find a registration">
        <label for="email"
          >E-mail address<input id="email" name="email" type="email" value="${email ?? ''}" maxlength="254" required
        /></label>
        <button type="submit">Find</button>
      </form>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''} ${found ? details(found) : ''}`,
  );
}

/** When the mail was accepted (opening the window), the reminder, and the window's end. */
function activationRows(window: ActivationWindowView | undefined) {
  if (!window) return [];
  const reminder = window.reminderSentAt
    ? time(window.reminderSentAt)
    : window.reminderDueAt
      ? html`due ${time(window.reminderDueAt)}`
      : 'none';
  return [
    { header: 'activation mail accepted', value: time(window.mailAcceptedAt) },
    { header: 'reminder sent', value: reminder },
    { header: 'activation window ends', value: time(window.endsAt) },
  ];
}

function details({ user, messages, workflowUrl }: FoundRegistration) {
  return html`${fieldTable('The registration', [
    { header: 'stage', value: user.stage, class: statusClass(user.stage) },
    { header: 'user id', value: user.userId },
    { header: 'login name', value: user.loginName },
    { header: 'registered', value: time(user.createdAt) },
    ...activationRows(user.activation),
    { header: 'activated', value: time(user.activatedAt) },
    { header: 'workflow', value: html`<a href="${workflowUrl}">${user.workflowId}</a> (Temporal Web UI)` },
    ...(user.traceId ? [{ header: 'trace id', value: html`<code>${user.traceId}</code>` }] : []),
  ])}
  ${table({
    caption: 'Its messages, newest first',
    columns: [
      { header: 'created', cell: (m) => time(m.createdAt) },
      {
        header: 'message key',
        cell: (m) => html`<a href="/admin/messages/${encodeURIComponent(m.messageKey)}">${m.messageKey}</a>`,
      },
      { header: 'tag', cell: (m) => m.tag },
      statusColumn(),
    ],
    rows: messages,
  })}`;
}
