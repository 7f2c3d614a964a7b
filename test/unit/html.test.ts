import { html } from '../../api/views/html';

describe('html templates', () => {
  it('escape every interpolated value, for text and attributes alike', () => {
    const evil = `<script>alert("x")</script>' onmouseover='x' &amp;`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &amp;amp;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x&#39; &amp;amp;</p>',
    );
  });

  it('keep markup made by html, join arrays, and render nothing for undefined, null and false', () => {
    const items = ['a<b', 'c'].map((s) => html`<li>${s}</li>`);
    expect(
      html`<ul>
          ${items}
        </ul>
        ${undefined}${null}${false}${0}`.value.replace(/\s+/g, ''),
    ).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });
});
