// A DNS server on a loopback UDP port answering from a small zone held in memory (dns-packet
// encodes and decodes), so the doctor's DNS checks never leave the machine. A name without
// records of the asked type answers NOERROR with no answers; an unknown name NXDOMAIN.
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { decode, encode, type Answer } from 'dns-packet';

/** name (lower case, no trailing dot) → its records; TXT values are one record each (split in 255-byte strings here). */
export interface Zone {
  [name: string]: { A?: string[]; AAAA?: string[]; TXT?: string[]; MX?: Array<{ preference: number; exchange: string }> };
}

export interface DnsServer {
  /** `127.0.0.1:port`, for DOCTOR_DNS_SERVER or Resolver.setServers. */
  address: string;
  zone: Zone;
  close(): Promise<void>;
}

const split255 = (text: string) => (text.match(/[\s\S]{1,255}/g) ?? ['']).map((s) => Buffer.from(s));

function answersFor(zone: Zone, name: string, type: string): Answer[] | null {
  const records = zone[name.toLowerCase().replace(/\.$/, '')];
  if (!records) return null;
  const base = { name, ttl: 60, class: 'IN' as const };
  if (type === 'A') return (records.A ?? []).map((data) => ({ ...base, type: 'A' as const, data }));
  if (type === 'AAAA') return (records.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA' as const, data }));
  if (type === 'TXT') return (records.TXT ?? []).map((text) => ({ ...base, type: 'TXT' as const, data: split255(text) }));
  if (type === 'MX') return (records.MX ?? []).map((data) => ({ ...base, type: 'MX' as const, data }));
  return [];
}

export async function startDnsServer(zone: Zone): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, from) => {
    const query = decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const answers = answersFor(zone, question.name, question.type);
    const reply = encode({
      type: 'response',
      id: query.id ?? 0,
      // Authoritative answer; rcode NXDOMAIN (3) for a name the zone does not have.
      flags: (1 << 10) | (answers === null ? 3 : 0),
      questions: [question],
      answers: answers ?? [],
    });
    socket.send(reply, from.port, from.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    address: `127.0.0.1:${socket.address().port}`,
    zone,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
