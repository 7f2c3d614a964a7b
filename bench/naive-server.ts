/**
 * The baseline a team would write by hand: one Express handler that validates, hashes, inserts the
 * user and sends the mail inside the request. No retries, no audit trail, no exactly-once: only for
 * comparison in the benchmark, never part of the product.
 */
import express from 'express';
import mongoose, { Schema } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { createPasswordHasher } from '../api/services/password';
import { registerBody } from '../api/schemas';
import { loadConfig } from '../config';
import { createMailer } from '../infra/mailer';
import { loadTemplateSet } from '../infra/templates/template-set';

async function main(): Promise<void> {
  const config = loadConfig();
  await mongoose.connect(config.mongodbUri);
  const NaiveUser = mongoose.model(
    'NaiveUser',
    new Schema({
      loginName: { type: String, unique: true },
      email: { type: String, unique: true },
      passwordHash: String,
      status: String,
    }),
    'naive_users',
  );
  await NaiveUser.createIndexes();
  const mailer = createMailer(config.smtpUrl);
  const hash = createPasswordHasher(config.passwordHash);
  const templates = loadTemplateSet(config.templates);

  const app = express();
  app.use(express.json());
  app.post('/register', async (req, res) => {
    const parsed = registerBody.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: parsed.error.message } });
    const { loginName, email, password } = parsed.data;
    const user = await NaiveUser.create({ loginName, email, passwordHash: await hash(password), status: 'DISABLED' });
    const link = `${config.publicBaseUrl}/activate/${randomBytes(32).toString('base64url')}`;
    const codePage = `${config.publicBaseUrl}/activate/code`;
    const mail = templates.mail('activation', undefined, {
      loginName,
      link,
      code: '000000',
      codePage,
      validFor: '24 seconds',
    });
    await mailer.sendMail({
      from: config.mailFrom,
      to: email,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
    res.status(201).json({ userId: String(user._id), status: 'DISABLED' });
  });
  app.listen(config.port, () => console.log('naive server listening'));
}

void main();
