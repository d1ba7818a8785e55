import { configFromForm, formValues } from './connect-form.fields';
import { connectFormPage } from './connect-form.page';

describe('the connect form', () => {
  it('turns a submitted form into the service config: empty fields left out, digits as numbers, checkboxes as booleans', () => {
    expect(configFromForm('sftp', { host: ' sftp.example.com ', port: '2222', username: 'me', password: ' pass with spaces ', root: '', state: 'x' }))
      .toEqual({ host: 'sftp.example.com', port: 2222, username: 'me', password: ' pass with spaces ' });
    expect(configFromForm('sftp', { host: 'h', port: '22a' })).toEqual({ host: 'h', port: '22a' });
    expect(configFromForm('s3', { bucket: 'b', forcePathStyle: 'on' })).toMatchObject({ bucket: 'b', forcePathStyle: true });
    expect(configFromForm('s3', { bucket: 'b' })).toMatchObject({ forcePathStyle: false });
    // Fields of another service are not read.
    expect(configFromForm('webdav', { url: 'https://dav.example.com', bucket: 'b' })).toEqual({ url: 'https://dav.example.com' });
  });

  it('keeps non-secret values to show again, never passwords, keys or connection strings', () => {
    const values = formValues('azure', { container: 'c', accountName: 'n', accountKey: 'k3y', connectionString: 'AccountName=n;AccountKey=k3y' });
    expect(values).toEqual({ container: 'c', accountName: 'n' });
  });

  it('renders the fields with the state, escapes what it shows, and never fills secrets back in', () => {
    const html = connectFormPage({ service: 'ftp', state: 'st"ate', error: '<b>bad</b> host' }, { host: '"><script>x</script>', password: 'never' });
    expect(html).toContain('name="state" value="st&#34;ate"');
    expect(html).toContain('&#60;b&#62;bad&#60;/b&#62; host');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('never');
    // A refused form shows what was sent, not the defaults.
    expect(html).not.toContain('<option selected>');
    const fresh = connectFormPage({ service: 'ftp', state: 's' });
    expect(fresh).toContain('<option selected>explicit</option>');
    expect(fresh).toContain('name="root" value="/"');
  });
});
