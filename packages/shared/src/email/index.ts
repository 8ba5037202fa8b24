export { parseEmailerConfig, readEmailerConfig, type TEmailerConfig, ZEmailerConfig } from './emailer-config.ts';
export {
  DEFAULT_EMAIL_TEMPLATES,
  EMAIL_TEMPLATES,
  type EmailTemplate,
  type EmailTemplateData,
  loadEmailTemplates,
  renderEmail,
  type TEmailTemplate,
} from './email-templates.ts';
export { createEmailer, type CreateEmailerOptions, type EmailMessage, type Emailer } from './create-emailer.ts';
