// A local SMTP server for the demo, run as its own process inside the lab client's network
// namespace (where the agent sends its mail). Prints one JSON line per received mail.
import { startTestSmtpServer } from '../notify/test-smtp-server.js';

/** Starts the sink on `port` and reports each mail on `out` as {from,to,subject,text}; resolves to a stop function. */
export async function runSmtpSink(port: number, out: NodeJS.WritableStream): Promise<() => Promise<void>> {
  const server = await startTestSmtpServer({ port });
  let reported = 0;
  const timer = setInterval(() => {
    for (; reported < server.messages.length; reported += 1) {
      const message = server.messages[reported];
      if (message) out.write(`${JSON.stringify({ from: message.from, to: message.to, subject: message.subject, text: message.text })}\n`);
    }
  }, 100);
  out.write(`${JSON.stringify({ listening: server.port })}\n`);
  return async () => {
    clearInterval(timer);
    await server.stop();
  };
}

const portArgument = process.argv[2];
if (import.meta.url === `file://${process.argv[1]}` && portArgument !== undefined) {
  const stop = await runSmtpSink(Number(portArgument), process.stdout);
  const shutdown = (): void => void stop();
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
