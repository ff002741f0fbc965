import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { EmailSender, TeamsSender } from './service';
import type * as Nodemailer from 'nodemailer';

/** Email through SMTP with nodemailer: SMTP_URL is smtp:// or smtps://, credentials in it. */
export function smtpSender(url: string): EmailSender & { close(): void } {
  // Loaded only when email is configured, not by every start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodemailer = require('nodemailer') as typeof Nodemailer;
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ ...mail, to: [...mail.to] });
    },
    close: () => transport.close(),
  };
}

/** Teams (or any channel): the digest card posted proactively to a stored conversation. */
export function proactiveSender(adapter: CloudAdapter, appId: string): TeamsSender {
  return {
    async send(reference, card, summary) {
      // The adapter's turn-error handler would swallow a failed send: catch it here and report it.
      let failure: unknown;
      await adapter.continueConversationAsync(appId, reference as unknown as Partial<ConversationReference>, async (context) => {
        const message = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        message.summary = summary;
        try {
          await context.sendActivity(message);
        } catch (e) {
          failure = e;
        }
      });
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    },
  };
}
