//! Module- and function-level builder calls: `I.ir_module`, `T.prim_func`, parameters,
//! `T.match_buffer` on parameters, `T.func_attr`, `T.func_name`, return types and `T.env_thread`.

use super::IRBuilder;
use super::buffer_decl::BufferSpec;
use super::frames::{Frame, ModuleFrame, PrimFuncFrame};
use crate::ir::{
    Annotations, Buffer, DataType, GlobalVar, IrError, IterVar, IterVarType, Type, Var,
};

impl IRBuilder {
    /// Opens an `I.ir_module` frame.
    pub fn ir_module(&mut self) -> Result<(), IrError> {
        if !self.frames.is_empty() {
            return Err(IrError::builder("I.ir_module must be the outermost frame"));
        }
        self.push(Frame::Module(ModuleFrame::default()))
    }

    /// Declares a function of the open module ahead of its definition, so that functions defined
    /// earlier can call it; returns its global var (TVM's `DeclFunction`).
    pub fn decl_function(&mut self, name: &str) -> Result<GlobalVar, IrError> {
        let module = self
            .module_frame()
            .ok_or_else(|| IrError::builder("functions can only be declared in I.ir_module"))?;
        if let Some(gv) = module.declared.iter().find(|g| g.name() == name) {
            return Ok(gv.clone());
        }
        let gv = GlobalVar::new(name);
        module.declared.push(gv.clone());
        Ok(gv)
    }

    /// Sets module attributes (`I.module_attrs`), once per module.
    pub fn module_attrs(&mut self, attrs: Annotations) -> Result<(), IrError> {
        let module = self
            .module_frame()
            .ok_or_else(|| IrError::builder("I.module_attrs must be inside I.ir_module"))?;
        if !module.attrs.is_empty() {
            return Err(IrError::builder("duplicate I.module_attrs"));
        }
        module.attrs = attrs;
        Ok(())
    }

    /// Sets the module's global infos (`I.module_global_infos`), once per module; names must be
    /// unique.
    pub fn module_global_infos(&mut self, infos: crate::ir::GlobalInfos) -> Result<(), IrError> {
        let module = self
            .module_frame()
            .ok_or_else(|| IrError::builder("I.module_global_infos must be inside I.ir_module"))?;
        if !module.global_infos.is_empty() {
            return Err(IrError::builder("duplicate I.module_global_infos"));
        }
        for (i, (name, _)) in infos.iter().enumerate() {
            if infos[..i].iter().any(|(n, _)| n == name) {
                return Err(IrError::builder(format!("global info `{name}` is given twice")));
            }
        }
        module.global_infos = infos;
        Ok(())
    }

    /// Opens a `T.prim_func` frame; a private function gets no `global_symbol`.
    pub fn prim_func(&mut self, is_private: bool) -> Result<(), IrError> {
        if self.frames.iter().any(|f| !matches!(f, Frame::Module(_))) {
            return Err(IrError::builder("T.prim_func cannot be nested inside another function"));
        }
        self.push(Frame::PrimFunc(PrimFuncFrame { is_private, ..Default::default() }))
    }

    /// Names the open function (`T.func_name`).
    pub fn func_name(&mut self, name: &str) -> Result<(), IrError> {
        let f = self.func_frame("T.func_name")?;
        if let Some(previous) = &f.name {
            return Err(IrError::builder(format!(
                "duplicate function name, previous one is `{previous}`"
            )));
        }
        f.name = Some(name.to_string());
        Ok(())
    }

    /// Adds function attributes (`T.func_attr`); a key may be set once.
    pub fn func_attrs(&mut self, attrs: Annotations) -> Result<(), IrError> {
        let f = self.func_frame("T.func_attr")?;
        for (key, value) in attrs.iter() {
            if key == "global_symbol" && f.is_private {
                return Err(IrError::builder(
                    "a private function may not have the \"global_symbol\" attribute",
                ));
            }
            if f.attrs.contains_key(key) {
                return Err(IrError::builder(format!("duplicate function attribute \"{key}\"")));
            }
            f.attrs.insert(key, value.clone());
        }
        Ok(())
    }

    /// Sets the return type of the open function, once.
    pub fn func_ret(&mut self, ret: Type) -> Result<(), IrError> {
        let f = self.func_frame("T.ret_type")?;
        if f.ret_type.is_some() {
            return Err(IrError::builder("duplicate function return type"));
        }
        f.ret_type = Some(ret);
        Ok(())
    }

    /// Adds a scalar or handle parameter.
    pub fn arg(&mut self, var: Var) -> Result<Var, IrError> {
        let f = self.func_frame("a function parameter")?;
        if f.params.contains(&var) {
            return Err(IrError::builder(format!("parameter `{}` is defined twice", var.name())));
        }
        f.params.push(var.clone());
        Ok(var)
    }

    /// Adds a buffer parameter (`A: T.Buffer(...)`): a handle `<name>_handle` bound to the buffer.
    pub fn arg_buffer(&mut self, buffer: Buffer) -> Result<Buffer, IrError> {
        let handle = Var::new(format!("{}_handle", buffer.name()), DataType::handle());
        let f = self.func_frame("a function parameter")?;
        f.params.push(handle.clone());
        f.buffer_map.push((handle, buffer.clone()));
        Ok(buffer)
    }

    /// Binds a buffer to an existing handle parameter (`A = T.match_buffer(a, ...)`).
    pub fn match_buffer_param(&mut self, param: &Var, spec: BufferSpec) -> Result<Buffer, IrError> {
        let f = self.func_frame("T.match_buffer")?;
        if !f.params.contains(param) {
            return Err(IrError::builder(format!(
                "cannot bind a buffer to `{}`: it is not a parameter of the function",
                param.name()
            )));
        }
        if f.buffer_map.iter().any(|(p, _)| p == param) {
            return Err(IrError::builder(format!(
                "parameter `{}` is already bound to a buffer",
                param.name()
            )));
        }
        let buffer = spec.build()?;
        let f = self.func_frame("T.match_buffer")?;
        f.buffer_map.push((param.clone(), buffer.clone()));
        Ok(buffer)
    }

    /// Declares an environment thread var (`T.env_thread("threadIdx.x")`) named `name`.
    pub fn env_thread(
        &mut self,
        name: &str,
        thread_tag: &str,
        dtype: DataType,
    ) -> Result<Var, IrError> {
        let var = Var::new(name, dtype);
        let f = self.func_frame("T.env_thread")?;
        f.env_threads.push(IterVar {
            var: var.clone(),
            dom: None,
            iter_type: IterVarType::ThreadIndex,
            thread_tag: thread_tag.to_string(),
        });
        Ok(var)
    }

    /// The IterVar declared for an environment thread var, if it is one.
    pub(super) fn env_thread_iter_var(&mut self, var: &Var) -> Option<IterVar> {
        let f = self.func_frame("T.launch_thread").ok()?;
        f.env_threads.iter().find(|iv| &iv.var == var).cloned()
    }
}
