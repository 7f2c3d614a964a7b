import { html } from '../../api/views/html';
import { fieldTable, table } from '../../api/views/table';

const squash = (markup: { value: string }) => markup.value.replace(/>\s+</g, '><').replace(/\s+/g, ' ');

describe('console tables', () => {
  it('render a caption, a column header per column and each row escaped, with the classes given', () => {
    const rows = [
      { name: '<b>x</b>', n: 2, status: 'DEAD' },
      { name: 'y & z', n: 10, status: 'FINISHED' },
    ];
    const markup = table({
      caption: 'Rows <1>',
      columns: [
        { header: 'name', cell: (r) => r.name },
        { header: 'n', cell: (r) => r.n, class: 'num' },
        { header: 'link', cell: (r) => html`<a href="/r/${r.n}">${r.status}</a>`, class: (r) => r.status },
      ],
      rows,
      rowClass: (r) => `status-${r.status}`,
    });
    expect(squash(markup)).toBe(
      '<table><caption> Rows &lt;1&gt; </caption>' +
        '<thead><tr><th scope="col">name</th><th scope="col">n</th><th scope="col">link</th></tr></thead>' +
        '<tbody><tr class="status-DEAD"><td>&lt;b&gt;x&lt;/b&gt;</td><td class="num">2</td>' +
        '<td class="DEAD"><a href="/r/2">DEAD</a></td></tr>' +
        '<tr class="status-FINISHED"><td>y &amp; z</td><td class="num">10</td>' +
        '<td class="FINISHED"><a href="/r/10">FINISHED</a></td></tr></tbody></table>',
    );
  });

  it('render no class attribute where none is given, and an empty body for no rows', () => {
    const markup = table({
      caption: 'None',
      columns: [{ header: 'a', cell: () => 'x', class: () => undefined }],
      rows: [],
    });
    expect(squash(markup)).toBe(
      '<table><caption> None </caption><thead><tr><th scope="col">a</th></tr></thead><tbody></tbody></table>',
    );
  });

  it('render one record as a row header per field, values escaped', () => {
    const markup = fieldTable('The "record"', [
      { header: 'status', value: 'DEAD', class: 'DEAD' },
      { header: 'error', value: '<550> rejected' },
      { header: 'missing', value: undefined },
    ]);
    expect(squash(markup)).toBe(
      '<table><caption> The &quot;record&quot; </caption><tbody>' +
        '<tr><th scope="row">status</th><td class="DEAD">DEAD</td></tr>' +
        '<tr><th scope="row">error</th><td>&lt;550&gt; rejected</td></tr>' +
        '<tr><th scope="row">missing</th><td></td></tr></tbody></table>',
    );
  });
});
