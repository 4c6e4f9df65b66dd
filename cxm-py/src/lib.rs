//! `cxm._cxm`: the native half of the `cxm` Python package.
//!
//! Thin conversions between numpy / Python objects and `cxm-core`; no analytics live
//! here. Heavy calls release the GIL (`Python::detach`). The public Python API, with
//! pandas conversion and argument handling, is the pure-Python layer in `python/cxm/`.

mod arrays;
mod errors;
mod metrics;
mod segment;
mod sentiment;
mod table;

use pyo3::prelude::*;

#[pymodule]
fn _cxm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FORMAT_VERSION", cxm_core::metrics::FORMAT_VERSION)?;
    m.add("EPOCH_LIMIT", cxm_core::time::EPOCH_LIMIT)?;
    m.add_function(wrap_pyfunction!(errors::error_variants, m)?)?;
    m.add_class::<metrics::PyNpsResult>()?;
    m.add_class::<metrics::PyCsatResult>()?;
    m.add_class::<metrics::PyCesResult>()?;
    m.add_class::<metrics::PyComparison>()?;
    m.add_class::<metrics::PyMetricSummary>()?;
    m.add_function(wrap_pyfunction!(metrics::compare, m)?)?;
    m.add_class::<table::PyTable>()?;
    m.add_function(wrap_pyfunction!(table::read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(table::table_from_columns, m)?)?;
    m.add_class::<segment::PySegmentSummary>()?;
    m.add_class::<segment::PyHotspotSummary>()?;
    m.add_class::<sentiment::PySentimentModel>()?;
    m.add_class::<sentiment::PyCalibration>()?;
    Ok(())
}
