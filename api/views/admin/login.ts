import { html } from '../html';
import { layout } from './layout';

/**
 * The console's login form. The admin token goes in a password field, posted in the body: never in a
 * URL, and never written back into a page. `loginCsrf` is the double-submit token of the login form.
 */
export function loginPage(loginCsrf: string, problem?: string): string {
  return layout(
    'Log in',
    {},
    html`${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <form method="post" action="/admin/login">
        <input type="hidden" name="_csrf" value="${loginCsrf}" />
        <p>
          <label for="token">Admin token</label><br />
          <input
            id="token"
            name="token"
            type="password"
            required
            autocomplete="current-password"
            size="40"
            maxlength="512"
            autofocus
          />
        </p>
        <p><button type="submit">Log in</button></p>
      </form>`,
  );
}
