/**
 * systemd's `[Socket]` section (systemd.socket(5), systemd 257), for `.socket` files that start a service when
 * traffic arrives: the socket's own keys, and the execution environment, killing and resource-control keys its
 * ExecStartPre= … ExecStopPost= commands run with (shared with `[Service]`).
 * (systemd 258 added PassPIDFD=, AcceptFileDescriptors=, DeferTrigger= and DeferTriggerMaxSec=: not here yet.)
 */
import { EXEC_KEYS, KILL_KEYS, RESOURCE_CONTROL_KEYS } from './contexts';
import { list, sk } from './define';
import type { SystemdKeyDef, SystemdSectionDef } from './types';

/** The keys that give the socket something to listen on; systemd refuses a socket with none of them. */
export const LISTEN_KEYS = [
  'ListenStream',
  'ListenDatagram',
  'ListenSequentialPacket',
  'ListenFIFO',
  'ListenSpecial',
  'ListenNetlink',
  'ListenMessageQueue',
  'ListenUSBFunction',
] as const;

const SOCKET: SystemdKeyDef[] = [
  list('ListenStream', 'string', 'Stream (TCP or AF_UNIX stream) address to listen on: a port, host:port, or a path.'),
  list('ListenDatagram', 'string', 'Datagram (UDP or AF_UNIX datagram) address to listen on.'),
  list('ListenSequentialPacket', 'string', 'AF_UNIX sequential-packet socket path to listen on.'),
  list('ListenFIFO', 'path', 'FIFO in the file system to listen on.'),
  list('ListenSpecial', 'path', 'Special file (character device, /proc or /sys file) to listen on.'),
  list('ListenNetlink', 'string', 'Netlink family (and optional multicast group) to listen on.'),
  list('ListenMessageQueue', 'string', 'POSIX message queue (/name) to listen on.'),
  list('ListenUSBFunction', 'path', 'USB FunctionFS mount point whose ep0 endpoint is listened on.'),
  sk('SocketProtocol', 'enum', 'Protocol of the IP sockets instead of TCP or UDP.', {
    values: ['udplite', 'sctp', 'mptcp'],
  }),
  sk('BindIPv6Only', 'enum', 'Whether IPv6 sockets also accept IPv4 (both) or not (ipv6-only).', {
    values: ['default', 'both', 'ipv6-only'],
  }),
  sk('Backlog', 'int', 'Length of the queue of connections not accepted yet.'),
  sk('BindToDevice', 'string', 'Network interface the sockets are bound to.'),
  sk('SocketUser', 'user', 'Owner of the AF_UNIX socket or FIFO nodes created in the file system.'),
  sk('SocketGroup', 'group', 'Group of the AF_UNIX socket or FIFO nodes created in the file system.'),
  sk('SocketMode', 'string', 'Access mode (octal) of the socket or FIFO nodes (default 0666).'),
  sk('DirectoryMode', 'string', 'Access mode (octal) of parent directories created for them (default 0755).'),
  sk('Accept', 'bool', 'Starts one service instance (from name@.service) per connection instead of one service.'),
  sk('Writable', 'bool', 'Opens the ListenSpecial= file for writing as well.'),
  sk('FlushPending', 'bool', 'Drops pending data and connections after the service exits (Accept=no only).'),
  sk('MaxConnections', 'int', 'Most connections served at once with Accept=yes (default 64).'),
  sk('MaxConnectionsPerSource', 'int', 'Most connections at once from one source address (or AF_UNIX peer user).'),
  sk('KeepAlive', 'bool', 'Turns on TCP keep-alive probes for accepted connections.'),
  sk('KeepAliveTimeSec', 'duration', 'Idle time before the first keep-alive probe.'),
  sk('KeepAliveIntervalSec', 'duration', 'Time between keep-alive probes.'),
  sk('KeepAliveProbes', 'int', 'Unanswered keep-alive probes before the connection counts as dead.'),
  sk('NoDelay', 'bool', "Turns off Nagle's algorithm (TCP_NODELAY)."),
  sk('Priority', 'int', 'Priority of the traffic sent from the socket (SO_PRIORITY).'),
  sk('DeferAcceptSec', 'duration', 'How long to wait for data before waking the service for a new connection.'),
  sk('ReceiveBuffer', 'size', 'Receive buffer size of the socket.'),
  sk('SendBuffer', 'size', 'Send buffer size of the socket.'),
  sk(
    'IPTOS',
    'string',
    'IP type-of-service of the packets sent: a number, or low-delay, throughput, reliability or low-cost.',
    {
      values: ['low-delay', 'throughput', 'reliability', 'low-cost'],
    },
  ),
  sk('IPTTL', 'int', 'IPv4 time-to-live or IPv6 hop limit of the packets sent.'),
  sk('Mark', 'int', 'Firewall mark of the packets sent (SO_MARK).'),
  sk('ReusePort', 'bool', 'Lets other sockets bind the same port (SO_REUSEPORT).'),
  sk('SmackLabel', 'string', 'SMACK label of the FIFO or socket node.'),
  sk('SmackLabelIPIn', 'string', 'SMACK label of incoming connections.'),
  sk('SmackLabelIPOut', 'string', 'SMACK label of outgoing connections.'),
  sk('SELinuxContextFromNet', 'bool', "Derives the service's SELinux level from the peer's network label."),
  sk('PipeSize', 'size', 'Pipe buffer size of the FIFOs.'),
  sk('MessageQueueMaxMessages', 'int', 'Most messages the message queue holds (set with MessageQueueMessageSize=).'),
  sk(
    'MessageQueueMessageSize',
    'int',
    'Largest message size of the message queue (set with MessageQueueMaxMessages=).',
  ),
  sk('FreeBind', 'bool', 'Lets the socket bind an address not (yet) configured on any interface.'),
  sk('Transparent', 'bool', 'Turns on transparent proxying (IP_TRANSPARENT).'),
  sk('Broadcast', 'bool', 'Lets the socket send broadcast datagrams.'),
  sk('PassCredentials', 'bool', "Passes the sender's credentials with each AF_UNIX message (SO_PASSCRED)."),
  sk('PassSecurity', 'bool', "Passes the sender's security context with each AF_UNIX message (SO_PASSSEC)."),
  sk('PassPacketInfo', 'bool', 'Passes per-packet metadata (destination address, interface) with each packet.'),
  sk('Timestamping', 'enum', 'Timestamps attached to incoming packets: off, us or ns.', {
    // (systemd also reads the micro sign and the Greek mu as us)
    values: ['off', 'us', 'usec', '\u00b5s', '\u03bcs', 'ns', 'nsec'],
  }),
  sk('TCPCongestion', 'string', 'TCP congestion control algorithm of the socket (cubic, bbr…).'),
  list('ExecStartPre', 'words', 'Command run before the sockets are created.'),
  list('ExecStartPost', 'words', 'Command run after the sockets are created and bound.'),
  list('ExecStopPre', 'words', 'Command run before the sockets are closed.'),
  list('ExecStopPost', 'words', 'Command run after the sockets are closed and removed.'),
  sk('TimeoutSec', 'duration', 'Time allowed for each of the Exec commands before the socket fails.'),
  sk('Service', 'string', 'Service started by the socket (default: the .service of the same name); Accept=no only.'),
  sk('RemoveOnStop', 'bool', 'Removes the socket and FIFO nodes (and Symlinks=) when the socket stops.'),
  list('Symlinks', 'words', 'Symlinks created to the one AF_UNIX socket or FIFO node of the unit.'),
  sk('FileDescriptorName', 'string', 'Name the service sees for these file descriptors (default: the unit name).'),
  sk('TriggerLimitIntervalSec', 'duration', 'Window of the activation rate limit (default 2s).'),
  sk('TriggerLimitBurst', 'int', 'Activations allowed per window before the socket fails.'),
  sk('PollLimitIntervalSec', 'duration', 'Window of the rate limit on wake-ups of the socket.'),
  sk('PollLimitBurst', 'int', 'Wake-ups allowed per window before the socket pauses for a while.'),
  sk('PassFileDescriptorsToExec', 'bool', 'Passes the sockets to ExecStartPost=, ExecStopPre= and ExecStopPost= too.'),
];

export const SOCKET_SECTION: SystemdSectionDef = {
  name: 'Socket',
  keys: [...SOCKET, ...EXEC_KEYS, ...KILL_KEYS, ...RESOURCE_CONTROL_KEYS],
};
