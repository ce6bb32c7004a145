/**
 * Which AWS commands a process sends: every client built by lib/aws.ts createAwsClients (or passed
 * to observeCommands) reports each command to the `onCommand` listeners (none by default); the
 * permission check in infra/test/iam holds them against each process's action list
 * (lib/aws-actions.ts). Calls made without send() (lib/aws-signed.ts) report through reportCommand.
 */

/** One command a client sent, and how it ended (`error` absent on success). */
export interface SentCommand {
  /** SDK client name, e.g. `SQSClient`. */
  readonly client: string;
  /** SDK command name, e.g. `SendMessageCommand`. */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly error?: { readonly name: string; readonly httpStatusCode?: number };
}

/** Listeners told of every command sent by a client built or observed here. Empty unless someone subscribes. */
export const onCommand: Array<(sent: SentCommand) => void> = [];

/**
 * For a call made without send() (lib/storage.ts putPdf): returns the function that reports it to
 * the `onCommand` listeners when it ends, as observeCommands would have. A no-op for a client that
 * is not observed, and cheap when no one listens.
 */
export function reportCommand(
  client: unknown,
  clientName: string,
  command: string,
  input: Readonly<Record<string, unknown>>,
): (error?: SentCommand["error"]) => void {
  return (error) => {
    if (onCommand.length === 0 || !observed.has(client as object)) return;
    const sent = { client: clientName, command, input, error };
    for (const listener of onCommand) listener(sent);
  };
}

const observed = new WeakSet<object>();
const traced = new WeakSet<object>();

/** True for a client built by createAwsClients with X-Ray on. */
export const isTraced = (client: unknown): boolean => traced.has(client as object);

/** Marks a client captured for X-Ray, so calls without send() record their subsegment too. */
export function markTraced<T>(client: T): T {
  traced.add(client as object);
  return client;
}

interface Observable {
  middlewareStack: { add(mw: never, options: { step: "initialize"; name: string }): void };
}

/** Reports each command `client` sends to the `onCommand` listeners; returns the client. */
export function observeCommands<T>(client: T): T {
  const mw =
    (next: (a: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      const tell = (error?: SentCommand["error"]) => {
        if (onCommand.length === 0) return;
        const sent = { client: context.clientName ?? "", command: context.commandName ?? "", input: args.input, error };
        for (const listener of onCommand) listener(sent);
      };
      try {
        const out = await next(args);
        tell();
        return out;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        tell({ name: e.name ?? "Error", httpStatusCode: e.$metadata?.httpStatusCode });
        throw err;
      }
    };
  (client as Observable).middlewareStack.add(mw as never, { step: "initialize", name: "billMwOnCommand" });
  observed.add(client as object);
  return client;
}
