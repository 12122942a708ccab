//! The target kinds `T.target` knows, as TVM v0.23 registers them in `src/target/target_kind.cc`:
//! each kind's default keys, its attributes with their declared types, the defaults the registry
//! fills in, and the string attributes its target parser sets when no device is present.
//!
//! Invariant: every attribute named in `defaults` or `parsed_defaults` is declared in `COMMON`
//! or in the kind's `attrs`, with a matching type (checked by a unit test).

use AttrType::{Bool, Int, Str, StrArray};

/// The declared type of a target attribute.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum AttrType {
    Str,
    Int,
    Bool,
    StrArray,
    Target,
}

/// A declared default value.
#[derive(Clone, Copy)]
pub(super) enum DefaultValue {
    Int(i64),
    Bool(bool),
}

/// One registered target kind: its default keys, attributes and defaults.
pub(super) struct Kind {
    pub(super) name: &'static str,
    pub(super) keys: &'static [&'static str],
    pub(super) attrs: &'static [(&'static str, AttrType)],
    pub(super) defaults: &'static [(&'static str, DefaultValue)],
    /// String attributes the kind's target parser sets when absent, with the values TVM picks on
    /// a machine without the device (CUDA's `sm_50`, ROCm's `gfx900`, the fixed GPU triples).
    pub(super) parsed_defaults: &'static [(&'static str, &'static str)],
    /// What the kind's target parser requires of a string attribute that is given.
    pub(super) checks: &'static [(&'static str, Check)],
}

/// A target parser's requirement on a given string attribute.
#[derive(Clone, Copy, Debug)]
pub(super) enum Check {
    /// The value must be exactly this (TVM's `CheckOrSetAttr`).
    Equals(&'static str),
    /// The value must start with this (`-arch=sm_80`).
    Prefix(&'static str),
    /// The value must contain this (`-mcpu=gfx908`).
    Contains(&'static str),
}

impl Check {
    /// Whether `value` satisfies the requirement.
    pub(super) fn accepts(self, value: &str) -> bool {
        match self {
            Check::Equals(expected) => value == expected,
            Check::Prefix(prefix) => value.starts_with(prefix),
            Check::Contains(part) => value.contains(part),
        }
    }
}

/// The attributes every kind has (`TVM_REGISTER_TARGET_KIND`).
const COMMON: &[(&str, AttrType)] = &[
    ("keys", StrArray),
    ("tag", Str),
    ("device", Str),
    ("model", Str),
    ("libs", StrArray),
    ("host", AttrType::Target),
    ("from_device", Int),
    ("target_device_type", Int),
];

pub(super) const KINDS: &[Kind] = &[
    Kind {
        name: "llvm",
        keys: &["cpu"],
        attrs: &[
            ("mattr", StrArray),
            ("mcpu", Str),
            ("mtriple", Str),
            ("mfloat-abi", Str),
            ("mabi", Str),
            ("num-cores", Int),
            ("fast-math", Bool),
            ("fast-math-nnan", Bool),
            ("fast-math-ninf", Bool),
            ("fast-math-nsz", Bool),
            ("fast-math-arcp", Bool),
            ("fast-math-contract", Bool),
            ("fast-math-reassoc", Bool),
            ("opt-level", Int),
            ("cl-opt", StrArray),
            ("jit", Str),
            ("vector-width", Int),
        ],
        defaults: &[],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "c",
        keys: &["cpu"],
        attrs: &[
            ("mcpu", Str),
            ("march", Str),
            ("workspace-byte-alignment", Int),
            ("constants-byte-alignment", Int),
        ],
        defaults: &[],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "cuda",
        keys: &["cuda", "gpu"],
        attrs: &[
            ("mcpu", Str),
            ("arch", Str),
            ("registers_per_block", Int),
            ("l2_cache_size_bytes", Int),
            ("max_shared_memory_per_block", Int),
            ("max_threads_per_block", Int),
            ("thread_warp_size", Int),
            ("max_num_threads", Int),
        ],
        defaults: &[
            ("thread_warp_size", DefaultValue::Int(32)),
            ("max_num_threads", DefaultValue::Int(1024)),
        ],
        parsed_defaults: &[("arch", "sm_50")],
        checks: &[("arch", Check::Prefix("sm_"))],
    },
    Kind {
        name: "nvptx",
        keys: &["cuda", "gpu"],
        attrs: &[
            ("mcpu", Str),
            ("mtriple", Str),
            ("max_num_threads", Int),
            ("thread_warp_size", Int),
        ],
        defaults: &[
            ("max_num_threads", DefaultValue::Int(1024)),
            ("thread_warp_size", DefaultValue::Int(32)),
        ],
        parsed_defaults: &[("mtriple", "nvptx64-nvidia-cuda"), ("mcpu", "sm_50")],
        checks: &[
            ("mtriple", Check::Equals("nvptx64-nvidia-cuda")),
            ("mcpu", Check::Prefix("sm_")),
        ],
    },
    Kind {
        name: "rocm",
        keys: &["rocm", "gpu"],
        attrs: &[
            ("mcpu", Str),
            ("mtriple", Str),
            ("mattr", StrArray),
            ("max_num_threads", Int),
            ("max_threads_per_block", Int),
            ("max_shared_memory_per_block", Int),
            ("thread_warp_size", Int),
        ],
        defaults: &[
            ("max_num_threads", DefaultValue::Int(256)),
            ("max_threads_per_block", DefaultValue::Int(256)),
            ("max_shared_memory_per_block", DefaultValue::Int(65536)),
            ("thread_warp_size", DefaultValue::Int(64)),
        ],
        parsed_defaults: &[("mtriple", "amdgcn-amd-amdhsa-hcc"), ("mcpu", "gfx900")],
        checks: &[
            ("mtriple", Check::Equals("amdgcn-amd-amdhsa-hcc")),
            ("mcpu", Check::Contains("gfx")),
        ],
    },
    Kind {
        name: "opencl",
        keys: &["opencl", "gpu"],
        attrs: &[
            ("texture_spatial_limit", Int),
            ("texture_depth_limit", Int),
            ("max_function_args", Int),
            ("image_base_address_alignment", Int),
            ("max_threads_per_block", Int),
            ("max_shared_memory_per_block", Int),
            ("max_num_threads", Int),
            ("thread_warp_size", Int),
        ],
        defaults: &[
            ("max_threads_per_block", DefaultValue::Int(256)),
            ("max_shared_memory_per_block", DefaultValue::Int(16384)),
            ("max_num_threads", DefaultValue::Int(256)),
            ("thread_warp_size", DefaultValue::Int(1)),
            ("texture_spatial_limit", DefaultValue::Int(16384)),
            ("texture_depth_limit", DefaultValue::Int(2048)),
            ("max_function_args", DefaultValue::Int(128)),
            ("image_base_address_alignment", DefaultValue::Int(64)),
        ],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "metal",
        keys: &["metal", "gpu"],
        attrs: &[
            ("max_function_args", Int),
            ("max_num_threads", Int),
            ("max_threads_per_block", Int),
            ("max_shared_memory_per_block", Int),
            ("thread_warp_size", Int),
        ],
        defaults: &[
            ("max_num_threads", DefaultValue::Int(256)),
            ("max_threads_per_block", DefaultValue::Int(256)),
            ("max_shared_memory_per_block", DefaultValue::Int(32768)),
            ("thread_warp_size", DefaultValue::Int(16)),
            ("max_function_args", DefaultValue::Int(31)),
        ],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "vulkan",
        keys: &["vulkan", "gpu"],
        attrs: &[
            ("mattr", StrArray),
            ("supports_float16", Bool),
            ("supports_float32", Bool),
            ("supports_float64", Bool),
            ("supports_int8", Bool),
            ("supports_int16", Bool),
            ("supports_int32", Bool),
            ("supports_int64", Bool),
            ("supports_8bit_buffer", Bool),
            ("supports_16bit_buffer", Bool),
            ("supports_storage_buffer_storage_class", Bool),
            ("supports_push_descriptor", Bool),
            ("supports_dedicated_allocation", Bool),
            ("supports_integer_dot_product", Bool),
            ("supports_cooperative_matrix", Bool),
            ("supported_subgroup_operations", Int),
            ("max_block_size_x", Int),
            ("max_block_size_y", Int),
            ("max_block_size_z", Int),
            ("max_push_constants_size", Int),
            ("max_uniform_buffer_range", Int),
            ("max_storage_buffer_range", Int),
            ("max_per_stage_descriptor_storage_buffer", Int),
            ("device_type", Str),
            ("device_name", Str),
            ("driver_name", Str),
            ("driver_version", Int),
            ("vulkan_api_version", Int),
            ("max_spirv_version", Int),
            ("max_num_threads", Int),
            ("max_threads_per_block", Int),
            ("thread_warp_size", Int),
            ("max_shared_memory_per_block", Int),
        ],
        defaults: &[
            ("supports_float32", DefaultValue::Bool(true)),
            ("supports_int32", DefaultValue::Bool(true)),
            ("max_num_threads", DefaultValue::Int(256)),
            ("max_threads_per_block", DefaultValue::Int(256)),
            ("thread_warp_size", DefaultValue::Int(1)),
        ],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "webgpu",
        keys: &["webgpu", "gpu"],
        attrs: &[("max_num_threads", Int)],
        defaults: &[("max_num_threads", DefaultValue::Int(256))],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "hexagon",
        keys: &["hexagon", "cpu"],
        attrs: &[
            ("mattr", StrArray),
            ("mcpu", Str),
            ("mtriple", Str),
            ("llvm-options", StrArray),
            ("num-cores", Int),
            ("vtcm-capacity", Int),
        ],
        defaults: &[],
        parsed_defaults: &[],
        checks: &[],
    },
    Kind {
        name: "ext_dev",
        keys: &[],
        attrs: &[],
        defaults: &[],
        parsed_defaults: &[],
        checks: &[],
    },
];

impl Kind {
    /// The declared type of attribute `key`, if the kind has it.
    pub(super) fn attr_type(&self, key: &str) -> Option<AttrType> {
        COMMON.iter().chain(self.attrs).find(|(k, _)| *k == key).map(|(_, t)| *t)
    }

    /// Every attribute name the kind accepts (for "did you mean" hints).
    pub(super) fn attr_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        COMMON.iter().chain(self.attrs).map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_a_declared_attribute_of_its_type() {
        for kind in KINDS {
            for (key, default) in kind.defaults {
                let expected = match default {
                    DefaultValue::Int(_) => AttrType::Int,
                    DefaultValue::Bool(_) => AttrType::Bool,
                };
                assert_eq!(kind.attr_type(key), Some(expected), "{}: {key}", kind.name);
            }
            for (key, value) in kind.parsed_defaults {
                assert_eq!(kind.attr_type(key), Some(AttrType::Str), "{}: {key}", kind.name);
                if let Some((_, check)) = kind.checks.iter().find(|(k, _)| k == key) {
                    assert!(check.accepts(value), "{}: default {key}={value}", kind.name);
                }
            }
        }
    }
}
