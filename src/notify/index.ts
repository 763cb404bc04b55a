// Notifications: the transition log line, e-mail, hooks and desktop, behind one Notifier.
export { systemClock, type Clock, type TimerHandle } from '../clock.js';
export { createNotifier, type Notifier, type NotifierDeps, type NotifierStatus, type NotifierCloseResult } from './notifier.js';
export { parseNotifyConfig, HOOK_NAMES, type NotifyConfig, type EmailConfig, type SmtpConfig, type HooksConfig, type HookName } from './notify-config.js';
export { startTestSmtpServer, type TestSmtpServer, type ParsedMessage, type TestSmtpServerOptions } from './test-smtp-server.js';
export { logTransition } from './transition-log.js';
