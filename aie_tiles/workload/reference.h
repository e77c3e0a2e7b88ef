#pragma once
// CPU references of whole operations, on dense row-major host arrays (not the device
// layouts), plus the helpers to move data between dense arrays and the device layouts a
// Workload's buffers describe. Written independently of the tile kernels: plain loops with
// wide intermediates, so the end-to-end tests compare two implementations.

#include "aie_tiles/workload/workload.h"

#include <cstdint>
#include <vector>

namespace aie4sim::tiles::workload {

// bf16 <-> float (round to nearest even; NaN stays NaN).
float bf16_to_float(std::uint16_t h);
std::uint16_t float_to_bf16(float f);

// C = A * B with int32 wrap-around accumulation.
std::vector<std::int32_t> gemm_i8_reference(const std::vector<std::int8_t>& a,
                                            const std::vector<std::int8_t>& b, std::uint32_t m,
                                            std::uint32_t k, std::uint32_t n);
// Sequential fp32 accumulation in ascending k, without fused multiply-add: the device's order.
std::vector<float> gemm_bf16_reference(const std::vector<std::uint16_t>& a,
                                       const std::vector<std::uint16_t>& b, std::uint32_t m,
                                       std::uint32_t k, std::uint32_t n);
// Exact result (double) and the error bound of any fp32 summation order for each element:
// gamma_K * sum |a_ik * b_kj| with gamma_K = K u / (1 - K u), u = 2^-24.
void gemm_bf16_exact(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b,
                     std::uint32_t m, std::uint32_t k, std::uint32_t n, std::vector<double>& exact,
                     std::vector<double>& bound);

std::vector<std::int8_t> eltwise_i8_reference(EltwiseOp op, const std::vector<std::int8_t>& x,
                                              const std::vector<std::int8_t>& y, unsigned shift);
std::vector<std::uint16_t> eltwise_bf16_reference(EltwiseOp op, const std::vector<std::uint16_t>& x,
                                                  const std::vector<std::uint16_t>& y);
// Row-wise softmax in double.
std::vector<double> softmax_reference(const std::vector<std::uint16_t>& x, std::uint32_t rows,
                                      std::uint32_t cols);

// Dense rows x cols (element size of the buffer's type) -> the buffer's layout, padding zero.
std::vector<std::uint8_t> pack(const HostBuffer& buffer, const void* dense);
// The buffer's layout -> dense rows x cols.
std::vector<std::uint8_t> unpack(const HostBuffer& buffer, const std::uint8_t* device);

} // namespace aie4sim::tiles::workload
