import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'imgsvc', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A safety net: no code logs these, and if one ever did, the value would not be written.
      redact: { paths: ['password', '*.password', 'newPassword', 'token', '*.token', 'csrfToken', 'headers.cookie', 'headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
