import type { createMessageService } from '../../services/messages';
import type { UserRegistrationView } from '../../services/users';
import { html } from '../html';
import { layout, statusCell, time, type PageContext } from './layout';

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

function details({ user, messages, workflowUrl }: FoundRegistration) {
  return html`<table>
      <caption>
        The registration
      </caption>
      <tbody>
        <tr>
          <th scope="row">stage</th>
          ${statusCell(user.stage)}
        </tr>
        <tr>
          <th scope="row">user id</th>
          <td>${user.userId}</td>
        </tr>
        <tr>
          <th scope="row">login name</th>
          <td>${user.loginName}</td>
        </tr>
        <tr>
          <th scope="row">registered</th>
          <td>${time(user.createdAt)}</td>
        </tr>
        <tr>
          <th scope="row">activated</th>
          <td>${time(user.activatedAt)}</td>
        </tr>
        <tr>
          <th scope="row">workflow</th>
          <td><a href="${workflowUrl}">${user.workflowId}</a> (Temporal Web UI)</td>
        </tr>
      </tbody>
    </table>
    <table>
      <caption>
        Its messages, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">created</th>
          <th scope="col">message key</th>
          <th scope="col">tag</th>
          <th scope="col">status</th>
        </tr>
      </thead>
      <tbody>
        ${messages.map(
          (m) =>
            html`<tr>
              <td>${time(m.createdAt)}</td>
              <td><a href="/admin/messages/${encodeURIComponent(m.messageKey)}">${m.messageKey}</a></td>
              <td>${m.tag}</td>
              ${statusCell(m.status)}
            </tr>`,
        )}
      </tbody>
    </table>`;
}
