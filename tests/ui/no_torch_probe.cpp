// Compiled by the ui_rejects_torch test with ui/NoTorch.h forced in, as every UI translation
// unit is: the build must stop at the first LibTorch header.
#include <ATen/Tensor.h>

int main() { return 0; }
