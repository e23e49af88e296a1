/*
 * Which QEMU command-line options take no value (DEF(name, 0, …) in qemu-options.hx); every
 * other option takes the next word, as vl.c's lookup_opt() does for HAS_ARG. Read from
 * NVIDIA/QEMU:qemu-options.hx@867dc95c (help, version, mem-prealloc, nographic, full-screen,
 * preconfig, S, no-reboot, no-shutdown, daemonize, nodefaults, no-user-config, enable-sync-profile,
 * perfmap, jitdump, s, enable-kvm as quoted in the 2021 qemu-options.hx diffs) and, for options
 * that later releases dropped but old scripts still pass, qemu/qemu:qemu-options.hx@bc14ca24
 * (snapshot, usb, curses, no-frame, alt-grab, no-quit, sdl, portrait).
 */
export const QEMU_OPTIONS_WITHOUT_VALUE: ReadonlySet<string> = new Set([
  'h',
  'help',
  'version',
  'mem-prealloc',
  'nographic',
  'full-screen',
  'preconfig',
  'S',
  's',
  'no-reboot',
  'no-shutdown',
  'daemonize',
  'nodefaults',
  'no-user-config',
  'enable-sync-profile',
  'perfmap',
  'jitdump',
  'enable-kvm',
  'snapshot',
  'usb',
  'curses',
  'no-frame',
  'alt-grab',
  'ctrl-grab',
  'no-quit',
  'sdl',
  'portrait',
  'old-param',
]);

/**
 * Options known to take a value: DEF(name, HAS_ARG, …) in the same files, plus `-id VMID`, which
 * Proxmox's kvm takes (qm showcmd prints it first). An option in neither set is named in a note.
 */
export const QEMU_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set([
  'machine', 'M', 'cpu', 'accel', 'smp', 'numa', 'add-fd', 'set', 'global', 'boot', 'm', 'mem-path', 'k', 'audio', 'audiodev',
  'device', 'name', 'uuid', 'fda', 'fdb', 'hda', 'hdb', 'hdc', 'hdd', 'cdrom', 'blockdev', 'drive', 'mtdblock', 'sd', 'pflash',
  'display', 'spice', 'vnc', 'vga', 'g', 'acpitable', 'smbios', 'netdev', 'nic', 'net', 'chardev', 'bios', 'kernel', 'shim',
  'append', 'initrd', 'dtb', 'compat', 'fw_cfg', 'serial', 'parallel', 'monitor', 'mon', 'qmp', 'qmp-pretty', 'debugcon',
  'pidfile', 'overcommit', 'gdb', 'd', 'D', 'dfilter', 'seed', 'L', 'action', 'loadvm', 'option-rom', 'rtc', 'icount', 'echr',
  'incoming', 'sandbox', 'readconfig', 'trace', 'plugin', 'run-with', 'msg', 'object', 'iscsi', 'usbdevice', 'watchdog-action',
  'tpmdev', 'fsdev', 'virtfs', 'iothread', 'semihosting-config', 'xen-domid', 'id',
]);
