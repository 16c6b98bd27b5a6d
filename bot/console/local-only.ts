/**
 * The console (and its staff panel) has no login, so it answers only where it was meant
 * to be opened. Listening on 127.0.0.1 keeps other machines out; this keeps out web pages:
 *
 * - **Host** must name this server as the person opened it (localhost, 127.0.0.1 or
 *   [::1] with the port, or the configured address). A page that rebinds its own domain's
 *   DNS to 127.0.0.1 (DNS rebinding) sends its own domain as Host, and is refused.
 * - **Origin**, on requests that change something, must be one of those too, so another
 *   site cannot post to the console from a visitor's browser. Browsers send Origin on
 *   every cross-origin request and every POST; a request without one comes from a
 *   program (curl, the tests), which the Host check and the listening address already
 *   scope to this machine.
 * - Beside real LINE credentials (`OUEN_CONSOLE=1`) the server listens on every interface
 *   for LINE's sake, so the console also refuses peers that are not this machine and
 *   requests that came through a proxy.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isLocalMode, type Env } from '../../core/env.ts';
import { isLoopback } from '../http/listen.ts';

export interface LocalOnlyOptions {
  /** Accepted Host values (lowercase, `host:port` as browsers send them). */
  hosts: string[];
  /** Refuse peers that are not this machine. */
  loopbackPeersOnly: boolean;
  /** Refuse requests carrying proxy headers (X-Forwarded-For, Forwarded, X-Real-IP). */
  refuseForwarded: boolean;
  /** Where the console is meant to be opened, for the refusal's message. */
  consoleUrl: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Mount before the console's routers: `app.use('/console', localOnly(localOnlyOptions(env, port, host)))`. */
export function localOnly(options: LocalOnlyOptions): RequestHandler {
  const hosts = new Set(options.hosts);
  const origins = new Set(options.hosts.flatMap((host) => [`http://${host}`, `https://${host}`]));
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal = refuse(req);
    if (!refusal) return next();
    res.status(403).json({ message: `${refusal}: the console answers only where it is opened, ${options.consoleUrl}` });
  };

  function refuse(req: Request): string | undefined {
    if (options.loopbackPeersOnly && !isLoopbackPeer(req.socket.remoteAddress)) return 'not from this machine';
    if (options.refuseForwarded && PROXY_HEADERS.some((name) => req.headers[name] !== undefined)) return 'came through a proxy';
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) return 'unexpected Host';
    const origin = req.headers.origin;
    if (!SAFE_METHODS.has(req.method) && origin !== undefined && !origins.has(origin.toLowerCase())) return 'unexpected Origin';
    return undefined;
  }
}

/**
 * What the console accepts, from the configuration: loopback names with the port; in
 * local mode also the address it listens on (`OUEN_HOST`) and the public URL, which is
 * how a person who opened it to the network reaches it. Beside real credentials, this
 * machine only.
 */
export function localOnlyOptions(env: Env, port: number, host: string): LocalOnlyOptions {
  const local = isLocalMode(env);
  const withPort = (name: string) => (port === 80 ? [name, `${name}:80`] : [`${name}:${port}`]);
  const hosts = [...withPort('localhost'), ...withPort('127.0.0.1'), ...withPort('[::1]')];
  if (local && host !== '0.0.0.0' && host !== '::' && !isLoopback(host)) hosts.push(...withPort(host.includes(':') ? `[${host}]` : host));
  if (local && env.OUEN_PUBLIC_URL) hosts.push(new URL(env.OUEN_PUBLIC_URL).host.toLowerCase());
  const consoleUrl = `${local && env.OUEN_PUBLIC_URL ? env.OUEN_PUBLIC_URL.replace(/\/$/, '') : `http://localhost:${port}`}/console`;
  return { hosts, loopbackPeersOnly: !local || isLoopback(host), refuseForwarded: !local, consoleUrl };
}

function isLoopbackPeer(address: string | undefined): boolean {
  return address !== undefined && isLoopback(address.replace(/^::ffff:/, ''));
}
