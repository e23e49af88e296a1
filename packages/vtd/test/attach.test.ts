import { describe, expect, it } from 'vitest';
import { Errp, errorSetg, type HostIommuDevice, type VIommuState } from '@hiodkit/core';
import { attachOutcome, vtdCheckHiod, vtdDevSetIommuDevice, type AccelCheck } from '@hiodkit/vtd';
import { deepFreeze, guest, hostDevice, verdict } from './fixtures.js';

const CACHING_MODE = 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.';
const ALREADY = 'Host IOMMU device already exist';
const NO_GET_CAP = '.get_cap() not implemented';
const ACCEL_SENTINEL = 'the accel hook ran';

/** An accel hook that records its calls and rejects with a sentinel. */
function recordingAccel(): { accel: AccelCheck; calls: [VIommuState, HostIommuDevice][] } {
  const calls: [VIommuState, HostIommuDevice][] = [];
  return {
    calls,
    accel: (s, hiod, errp) => {
      calls.push([s, hiod]);
      errorSetg(errp, ACCEL_SENTINEL);
      return false;
    },
  };
}

function attach(s: VIommuState, hiod: HostIommuDevice): { verdict: string; accelCalls: number } {
  const { accel, calls } = recordingAccel();
  return { verdict: verdict(attachOutcome(s, hiod, accel)), accelCalls: calls.length };
}

const GET_CAP_ERROR = { message: '0000:02:00.0: unsupported capability 1', hints: ['a hint from get_cap\n'] };

describe('vtd_dev_set_iommu_device (BEHAVIOUR §attach.caching-mode, §attach.duplicate)', () => {
  it.each([true, false])('1: caching-mode off is refused (x-flts=%s)', (flts) => {
    expect(attach(guest({ cachingMode: false, flts }), hostDevice())).toEqual({ verdict: CACHING_MODE, accelCalls: 0 });
  });

  it('2: a device already attached at the same bus/devfn is refused', () => {
    expect(attach(guest({}, [{ bus: 0, devfn: 0x18 }]), hostDevice({ bus: 0, devfn: 0x18 })).verdict).toBe(ALREADY);
    expect(attach(guest({}, [{ bus: 3, devfn: 0 }]), hostDevice({ bus: 3, devfn: 0 })).verdict).toBe(ALREADY);
  });

  it('2: another devfn or another bus is a different key', () => {
    expect(attach(guest({ flts: false }, [{ bus: 0, devfn: 0x19 }]), hostDevice({ bus: 0, devfn: 0x18 })).verdict).toBe('accept');
    expect(attach(guest({ flts: false }, [{ bus: 1, devfn: 0x18 }]), hostDevice({ bus: 0, devfn: 0x18 })).verdict).toBe('accept');
  });
});

describe('vtd_check_hiod (BEHAVIOUR §attach.no-get-cap to §attach.second-stage-accept)', () => {
  it('3: a class without get_cap', () => {
    expect(attach(guest(), hostDevice({ awBits: { kind: 'no-get-cap' } }))).toEqual({ verdict: NO_GET_CAP, accelCalls: 0 });
  });

  it('4: a failing get_cap propagates its error, message and hints, unchanged', () => {
    const { accel, calls } = recordingAccel();
    const outcome = attachOutcome(guest(), hostDevice({ awBits: { kind: 'error', error: GET_CAP_ERROR } }), accel);
    expect(outcome).toEqual({ ok: false, error: { message: '0000:02:00.0: unsupported capability 1', hints: ['a hint from get_cap\n'] } });
    expect(calls).toHaveLength(0);
  });

  it.each([
    [48, 47, 'aw-bits 48 > host aw-bits 47'],
    [48, 39, 'aw-bits 48 > host aw-bits 39'],
    [39, 38, 'aw-bits 39 > host aw-bits 38'],
    [48, 1, 'aw-bits 48 > host aw-bits 1'],
  ])('5: guest aw-bits %i above host %i: %s', (guestAw, hostAw, message) => {
    expect(attach(guest({ awBits: guestAw, flts: false }), hostDevice({ awBits: hostAw }))).toEqual({ verdict: message, accelCalls: 0 });
    if (guestAw === 48) expect(attach(guest({ awBits: guestAw }), hostDevice({ awBits: hostAw }))).toEqual({ verdict: message, accelCalls: 0 });
  });

  it.each([
    [48, 48],
    [39, 39],
    [39, 48],
    [48, 64],
  ])('5: guest aw-bits %i with host %i passes (equal passes)', (guestAw, hostAw) => {
    expect(attach(guest({ awBits: guestAw, flts: false }), hostDevice({ awBits: hostAw })).verdict).toBe('accept');
  });

  it('6: x-flts off accepts without calling the accel hook, whatever the first-stage caps', () => {
    const s = guest({ flts: false });
    for (const hiod of [
      hostDevice(),
      hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0, capReg: 0n, ecapReg: 0n, maxPasidLog2: 0 }),
      hostDevice({ type: 2, upstreamBuses: ['pci'] }),
    ]) {
      expect(attach(s, hiod)).toEqual({ verdict: 'accept', accelCalls: 0 });
    }
  });

  it('x-flts on hands over to the accel hook once, with the same state and device', () => {
    const { accel, calls } = recordingAccel();
    const s = guest();
    const hiod = hostDevice();
    expect(verdict(attachOutcome(s, hiod, accel))).toBe(ACCEL_SENTINEL);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe(s);
    expect(calls[0]?.[1]).toBe(hiod);
  });

  it('the accel hook\'s acceptance is the attach result', () => {
    expect(verdict(attachOutcome(guest(), hostDevice(), () => true))).toBe('accept');
  });
});

describe('order: first failure wins (BEHAVIOUR §profile.order)', () => {
  it.each<[string, VIommuState, HostIommuDevice, string]>([
    ['1 before 2', guest({ cachingMode: false }, [{ bus: 0, devfn: 0x18 }]), hostDevice(), CACHING_MODE],
    ['1 before 3', guest({ cachingMode: false }), hostDevice({ awBits: { kind: 'no-get-cap' } }), CACHING_MODE],
    ['2 before 3', guest({}, [{ bus: 0, devfn: 0x18 }]), hostDevice({ awBits: { kind: 'no-get-cap' } }), ALREADY],
    ['2 before 4', guest({}, [{ bus: 0, devfn: 0x18 }]), hostDevice({ awBits: { kind: 'error', error: GET_CAP_ERROR } }), ALREADY],
    ['2 before 5', guest({}, [{ bus: 0, devfn: 0x18 }]), hostDevice({ awBits: 39 }), ALREADY],
    ['3 whatever the guest aw-bits', guest({ awBits: 255, flts: false }), hostDevice({ awBits: { kind: 'no-get-cap' } }), NO_GET_CAP],
    ['4 whatever the guest aw-bits', guest({ awBits: 255, flts: false }), hostDevice({ awBits: { kind: 'error', error: GET_CAP_ERROR } }), GET_CAP_ERROR.message],
    ['3 before the accel checks', guest(), hostDevice({ awBits: { kind: 'no-get-cap' }, qomType: 'host-iommu-device-legacy-vfio' }), NO_GET_CAP],
    ['4 before the accel checks', guest(), hostDevice({ awBits: { kind: 'error', error: GET_CAP_ERROR }, type: 0 }), GET_CAP_ERROR.message],
    ['5 before the accel checks', guest(), hostDevice({ awBits: 39, qomType: 'host-iommu-device-legacy-vfio', type: 0 }), 'aw-bits 48 > host aw-bits 39'],
  ])('%s', (_label, s, hiod, message) => {
    expect(attach(s, hiod)).toEqual({ verdict: message, accelCalls: 0 });
  });
});

describe('the QEMU calling convention', () => {
  it('vtdDevSetIommuDevice returns false with exactly one error set', () => {
    const errp = new Errp();
    expect(vtdDevSetIommuDevice(guest({ cachingMode: false }), hostDevice(), errp, () => true)).toBe(false);
    expect(errp.error).toEqual({ message: CACHING_MODE, hints: [] });
  });

  it('vtdCheckHiod returns true with no error for x-flts off', () => {
    const errp = new Errp();
    expect(vtdCheckHiod(guest({ flts: false }), hostDevice(), errp, () => false)).toBe(true);
    expect(errp.error).toBeNull();
  });

  it('attachOutcome refuses an accel hook that breaks the convention', () => {
    expect(() => attachOutcome(guest(), hostDevice(), () => false)).toThrow();
    expect(() =>
      attachOutcome(guest(), hostDevice(), (_s, _h, errp) => {
        errorSetg(errp, 'set but returned true');
        return true;
      }),
    ).toThrow();
  });

  it('does not modify its inputs', () => {
    const s = deepFreeze(guest({}, [{ bus: 1, devfn: 0 }]));
    const hiod = deepFreeze(hostDevice());
    const before = JSON.stringify([s, hiod], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(attach(s, hiod).verdict).toBe(ACCEL_SENTINEL);
    expect(JSON.stringify([s, hiod], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
  });
});
