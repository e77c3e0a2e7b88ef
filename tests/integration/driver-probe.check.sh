#!/bin/sh
# The probe went through the firmware model: SMU, PSP (both images), boot, work buffer.
set -e
for line in 'SMU: POWER_OFF' 'SMU: POWER_ON' 'PSP: firmware image validated' \
            'PSP: certificate image validated' 'PSP: START' \
            'aie4.endpoint.pf: mailbox_info published (protocol 5.10, valid = 1)' \
            'PF: work buffer of 4 MiB attached' 'PF -> ATTACH_WORK_BUFFER status 0'; do
    grep -q "$line" "$1" || { echo "missing in the model log: $line"; exit 1; }
done
