#!/usr/bin/env bash
# SR-IOV as deployed (`aie4sim vms`): one model, a host VM whose amdxdna owns the PF and enables
# the VFs, and guest VMs that each get one VF passed through and run a GEMM through XRT on it with
# the same unmodified driver.
#   vms.sh AIE4SIM_EXE [CASE...]   cases: two (default), four, tcp, isolation, sriov-off,
#                                  killed, host-flr, stopped
set -uo pipefail
exe=$1
shift
cases=${*:-two}
work=$(mktemp -d "${TMPDIR:-/tmp}/aie4sim-test-vms.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: vms: $*"; exit 1; }

run_vms() { # run_vms NAME EXPECTED_STATUS ARGS...: output in $work/NAME.txt
    local name=$1 expected=$2
    shift 2
    "$exe" vms "$@" --model-log "$work/$name.model.log" > "$work/$name.txt" 2>&1
    local status=$?
    cat "$work/$name.txt"
    [ "$status" = "$expected" ] || {
        tail -n 30 "$work/$name.model.log"
        fail "aie4sim vms $* exited with status $status (expected $expected)"
    }
}
# every guest VM's row: its VF bound by amdxdna as 1022:17f3, its GEMM verified
rows() {
    local file=$1 n=$2 k
    for k in $(seq 1 "$n"); do
        grep -Eq "^vm$k +VF$k +[0-9a-f:.]+ \(0x1022:0x17f3\) +gemm .*: verified" "$file" \
            || fail "guest VM $k's row is not a verified GEMM on its VF in $file"
    done
}

for c in $cases; do
    case $c in
    two)
        run_vms two 0 --guests 2
        grep -q '^2 of 2 guest VMs verified their GEMM 256x256x256 int8' "$work/two.txt" || fail "summary"
        rows "$work/two.txt" 2
        grep -q 'host  *PF .*2 VFs enabled and left unbound for passthrough' "$work/two.txt" || fail "host row"
        grep -q 'attached to VF1' "$work/two.model.log" || fail "the model's log has no ATTACH of VF1"
        grep -q 'attached to VF2' "$work/two.model.log" || fail "the model's log has no ATTACH of VF2"
        ;;
    four)
        run_vms four 0 --guests 4 --gemm 128x128x128
        grep -q '^4 of 4 guest VMs verified' "$work/four.txt" || fail "summary"
        rows "$work/four.txt" 4
        ;;
    tcp)
        port=$(( 20000 + RANDOM % 20000 ))
        run_vms tcp 0 --guests 2 --gemm 64x64x64 --listen "tcp:127.0.0.1:$port"
        rows "$work/tcp.txt" 2
        grep -q 'socket only' "$work/tcp.txt" "$work/tcp.model.log" 2>/dev/null || true
        ;;
    isolation)
        # Raw MMIO from each guest: its BAR0's test block says which function answers: VM k's
        # own VF k, never the PF (0) or another VF. A scratch value one VM writes is not seen
        # by the other.
        run_vms isolation 0 --guests 2 --guest-exec '
            r=/sys/bus/pci/devices/$bdf/resource0
            fn=$(aie4sim-mmio $r 0xF008); echo "guest: function register $fn"
            aie4sim-mmio $r 0xF004 0x5C0FFEE$vm; sleep 2
            s=$(aie4sim-mmio $r 0xF004); echo "guest: scratch $s"
            [ "$fn" = "0x0000000$vm" ] && [ "$s" = "0x5c0ffee$vm" ]'
        ;;
    sriov-off)
        # The host disables SR-IOV while the guest VMs run: they see a surprise removal (all-ones),
        # nobody crashes, the model survives and says so.
        run_vms sriov-off 0 --guests 2 --host-exec '
            sleep 25; echo 0 > /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs; echo host: SR-IOV disabled' \
            --guest-exec '
            for _ in $(seq 1 600); do
                v=$(aie4sim-mmio /sys/bus/pci/devices/$bdf/resource0 0xF000)
                [ "$v" = 0xffffffff ] && break; sleep 0.1
            done
            echo "guest: VF reads $v"; [ "$v" = 0xffffffff ]'
        grep -q 'surprise removal' "$work/sriov-off.model.log" || fail "no removal notice in the model's log"
        grep -q '^\[vm2\] .*aie4sim-vf-guest: VF2 was removed by the host' "$work/sriov-off.txt" \
            || fail "VM 2's QEMU did not report the removal"
        grep -q 'bridge: QEMU left: the peer said goodbye' "$work/sriov-off.model.log" || fail "the model did not end cleanly"
        ;;
    killed)
        # Guest VM 1 is killed (SIGKILL of its QEMU) in the middle of its GEMMs: VM 2 goes on
        # verifying its own, and VM 3, waiting for VF1, takes it over and verifies a GEMM on it.
        "$exe" vms --guests 3 --guest-vfs 1,2,1 --gemm 128x128x128 --model-log "$work/killed.model.log" \
            --guest-exec '
            n=0
            if [ $vm = 1 ]; then while :; do n=$((n + 1)); echo "guest: gemm $n started"; run_gemm; done; fi
            if [ $vm = 2 ]; then for n in 1 2 3 4 5 6; do run_gemm || exit 1; sleep 2; done; fi
            if [ $vm = 3 ]; then run_gemm; fi' > "$work/killed.txt" 2>&1 &
        vms=$!
        for _ in $(seq 1 1200); do
            grep -q '^\[vm1\] guest: gemm 3 started' "$work/killed.txt" && break
            kill -0 $vms 2>/dev/null || break
            sleep 0.1
        done
        victim=$(pgrep -P $vms -f 'guest1\.img')
        [ -n "$victim" ] || { cat "$work/killed.txt"; fail "no QEMU of guest VM 1 to kill"; }
        kill -KILL "$victim"
        wait $vms
        status=$?
        cat "$work/killed.txt"
        [ "$status" = 1 ] || fail "aie4sim vms exited with $status, expected 1 (VM 1 was killed)"
        grep -Eq '^vm1 +VF1 .*the VM ended without a status' "$work/killed.txt" || fail "VM 1's row"
        grep -Eq '^vm2 +VF2 .*: verified; .*script succeeded' "$work/killed.txt" || fail "VM 2 was disturbed"
        grep -Eq '^vm3 +VF1 .*: verified; .*script succeeded' "$work/killed.txt" || fail "VM 3 did not get VF1"
        grep -q 'VF1 is free again (QEMU #[0-9]*: its VM is gone); FLR' "$work/killed.model.log" \
            || fail "the model did not free VF1"
        [ "$(grep -c 'attached to VF1' "$work/killed.model.log")" = 2 ] || fail "VF1 was not attached twice"
        ;;
    host-flr)
        # The host resets VF1 (FLR through its sysfs) while guest VM 1 has it: VM 1's QEMU is
        # told (its VF is back in its power-on state; the guest's driver may restore its saved
        # state on its next runtime resume, so the guest's own view is not checked), the model
        # logs it, and VM 2 keeps verifying GEMMs on VF2.
        run_vms host-flr 0 --guests 2 --gemm 64x64x64 --host-exec '
            sleep 20; echo 1 > /sys/bus/pci/devices/0000:01:00.1/reset && echo "host: VF1 reset (FLR)"' \
            --guest-exec '
            run_gemm || exit 1
            if [ $vm = 1 ]; then sleep 30; else sleep 25; run_gemm; fi'
        grep -q 'VF1 was reset by the host (FLR)' "$work/host-flr.model.log" || fail "no reset notice"
        grep -q '^\[vm1\] .*aie4sim-vf-guest: VF1 was reset by the host (FLR)' "$work/host-flr.txt" \
            || fail "VM 1's QEMU was not told of the reset"
        grep -Eq '^vm2 +VF2 .*: verified; .*script succeeded' "$work/host-flr.txt" || fail "VM 2 was disturbed"
        ;;
    stopped)
        # Guest VM 1's QEMU is stopped (SIGSTOP) in the middle of its GEMMs: its VF's work goes
        # on in the model (its DMA needs no answer from that QEMU), and VM 2 keeps verifying
        # GEMMs on VF2 while VM 1 is frozen; VM 1 then resumes.
        "$exe" vms --guests 2 --gemm 64x64x64 --model-log "$work/stopped.model.log" --guest-exec '
            n=0
            while [ $(cut -d. -f1 /proc/uptime) -lt 35 ]; do
                n=$((n + 1)); echo "guest: gemm $n started"
                if run_gemm > /dev/null; then echo "guest: gemm $n verified"; fi
            done' > "$work/stopped.txt" 2>&1 &
        vms=$!
        for _ in $(seq 1 1200); do
            grep -q '^\[vm1\] guest: gemm 3 started' "$work/stopped.txt" && break
            kill -0 $vms 2>/dev/null || break
            sleep 0.1
        done
        victim=$(pgrep -P $vms -f 'guest1\.img')
        [ -n "$victim" ] || { cat "$work/stopped.txt"; fail "no QEMU of guest VM 1 to stop"; }
        kill -STOP "$victim"
        before=$(grep -c '^\[vm2\] guest: gemm [0-9]* verified' "$work/stopped.txt")
        progressed=no
        for _ in $(seq 1 600); do
            now=$(grep -c '^\[vm2\] guest: gemm [0-9]* verified' "$work/stopped.txt")
            [ $((now - before)) -ge 3 ] && progressed=yes && break
            sleep 0.1
        done
        kill -CONT "$victim"
        wait $vms
        status=$?
        cat "$work/stopped.txt"
        [ "$progressed" = yes ] || fail "VM 2 did not verify 3 GEMMs while VM 1 was stopped"
        [ "$status" = 0 ] || fail "aie4sim vms exited with $status after VM 1 resumed"
        grep -q 'bridge: QEMU left: the peer said goodbye' "$work/stopped.model.log" || fail "the model did not end cleanly"
        ;;
    *) fail "unknown case $c" ;;
    esac
done
echo "vms: $cases passed"
